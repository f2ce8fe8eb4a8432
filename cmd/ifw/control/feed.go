package control

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Kinds of StreamEvent. Every kind but StreamAlert only says that a list
// changed: the subscriber fetches it again, through the socket and with
// its own credentials, so that it sees only what it may.
const (
	StreamHello     = "hello"     // first line of every stream
	StreamPing      = "ping"      // an idle stream's heartbeat
	StreamAlert     = "alert"     // StreamEvent.Alert was stored
	StreamBlocks    = "blocks"    // the active blocks changed
	StreamWhitelist = "whitelist" // the whitelist changed
	StreamQueue     = "queue"     // the outbound questions changed
	StreamRules     = "rules"     // the outbound rules changed
	StreamSettings  = "settings"  // a runtime setting changed (automatic blocking)
)

// Bounds of the feed: events waiting per subscriber (the oldest are
// dropped past it, and counted), and subscribers at once, in all and per
// uid (root is never refused).
const (
	feedBuffer        = 256
	feedMaxSubs       = 64
	feedMaxSubsPerUID = 8
)

var (
	// errFeedFull: every stream of the daemon is taken (503).
	errFeedFull = errors.New("too many open streams")
	// errFeedUIDFull: every stream this uid may have is taken (429).
	errFeedUIDFull = errors.New("too many open streams for this user")
)

// Feed is what changed in the daemon, for GET /v1/stream: the alerts as
// they are stored, and a note each time a list changes. Publishing never
// blocks: a subscriber that does not keep up loses its oldest events and
// is told how many (StreamEvent.Dropped), so that it re-fetches.
type Feed struct {
	mu     sync.Mutex
	subs   map[*feedSub]struct{}
	closed bool
}

// feedSub is one stream. uid is the peer; all says it sees every uid's
// questions and rules (root, or polkit's other-user action).
type feedSub struct {
	uid     uint32
	all     bool
	ch      chan StreamEvent
	dropped uint64
}

// NewFeed makes an empty feed.
func NewFeed() *Feed { return &Feed{subs: map[*feedSub]struct{}{}} }

// Alert publishes a stored alert to every subscriber.
func (f *Feed) Alert(rec AlertRecord) {
	f.publish(StreamEvent{Kind: StreamAlert, Alert: &rec}, nil)
}

// Changed says that the list of kind changed, to every subscriber.
func (f *Feed) Changed(kind string) { f.publish(StreamEvent{Kind: kind}, nil) }

// ChangedFor says that the list of kind changed for uid's part of it:
// only uid's subscribers and those who see every uid's are told.
func (f *Feed) ChangedFor(kind string, uid uint32) {
	f.publish(StreamEvent{Kind: kind}, &uid)
}

// Close ends every stream; later subscriptions are refused.
func (f *Feed) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for s := range f.subs {
		close(s.ch)
		delete(f.subs, s)
	}
}

func (f *Feed) publish(ev StreamEvent, uid *uint32) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		if uid == nil || s.all || s.uid == *uid {
			s.push(ev)
		}
	}
}

// push queues ev without blocking, dropping the oldest when full; f.mu
// is held, so only the reader acts meanwhile, and it only makes room.
func (s *feedSub) push(ev StreamEvent) {
	select {
	case s.ch <- ev:
		return
	default:
	}
	select {
	case <-s.ch:
		s.dropped++
	default:
	}
	ev.Dropped = s.dropped
	s.ch <- ev
}

// subscribe adds a stream for uid.
func (f *Feed) subscribe(uid uint32, all bool) (*feedSub, func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, nil, errFeedFull
	}
	if uid != 0 {
		n := 0
		for s := range f.subs {
			if s.uid == uid {
				n++
			}
		}
		switch {
		case len(f.subs) >= feedMaxSubs:
			return nil, nil, errFeedFull
		case n >= feedMaxSubsPerUID:
			return nil, nil, errFeedUIDFull
		}
	}
	s := &feedSub{uid: uid, all: all, ch: make(chan StreamEvent, feedBuffer)}
	f.subs[s] = struct{}{}
	return s, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[s]; ok {
			delete(f.subs, s)
			close(s.ch)
		}
	}, nil
}

// streamWriteTimeout bounds one event's write: a subscriber that stops
// reading is cut off instead of holding its handler forever.
// streamHeartbeat is how often an idle stream gets a ping line, so that
// a dead reader is noticed.
const (
	streamWriteTimeout = 10 * time.Second
	streamHeartbeat    = 30 * time.Second
)

// streamFeed is GET /v1/stream: the feed, as JSON lines.
func (s *Server) streamFeed(w http.ResponseWriter, r *http.Request, p peer) {
	if s.feed == nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody("this daemon has no change feed"))
		return
	}
	sub, cancel, err := s.feed.subscribe(p.uid, p.uid == 0 || s.gate.seesAll(r))
	switch {
	case errors.Is(err, errFeedUIDFull):
		writeJSON(w, http.StatusTooManyRequests, errorBody(err.Error()))
		return
	case err != nil:
		writeJSON(w, http.StatusServiceUnavailable, errorBody(err.Error()))
		return
	}
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	send := func(ev StreamEvent) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		return enc.Encode(ev) == nil && rc.Flush() == nil
	}
	if !send(StreamEvent{Kind: StreamHello}) {
		return
	}
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			if !send(StreamEvent{Kind: StreamPing}) {
				return
			}
		case ev, ok := <-sub.ch:
			if !ok || !send(ev) {
				return
			}
		}
	}
}
