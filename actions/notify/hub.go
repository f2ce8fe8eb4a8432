package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ifw/ifw/alerts"
)

// Hub is the daemon side: the "notify" action. It publishes alerts to the
// subscribed applets, and the outbound module's questions to their owner's
// applets, and checks the answers. It starts no goroutine;
// every method is safe for concurrent use.
type Hub struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	closed bool
	seq    uint64
	subs   map[*subscription]struct{}
	events map[uint64]*pending
	order  []uint64 // ring of remembered event ids, oldest at next once full
	next   int
	// refused counts the subscriptions refused for lack of room; the
	// last refusal logged was at warned (one line per warnEvery).
	refused uint64
	warned  time.Time
}

// warnEvery spaces the log lines of refused subscriptions: a client
// subscribing in a loop must not flood the log.
const warnEvery = 10 * time.Second

// HubStats are the hub's counters, for `ifw status`.
type HubStats struct {
	Subscribers          int `json:"subscribers"`
	MaxSubscribers       int `json:"max_subscribers"`
	MaxSubscribersPerUID int `json:"max_subscribers_per_uid"`
	// Refused: subscriptions refused because the hub or their uid's share
	// was full.
	Refused uint64 `json:"subscriptions_refused"`
}

// pending is a published event awaiting its answer.
type pending struct {
	ev         Event
	at         time.Time
	recipients map[uint32]int // uid → subscriptions holding or given it
	answered   bool
	superseded bool // answered by a newer alert of the same source
}

// NewHub makes a hub; log may be nil.
func NewHub(cfg Config, log *slog.Logger) (*Hub, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Hub{
		cfg: cfg, log: log, seq: epoch(cfg.Clock()),
		subs: map[*subscription]struct{}{}, events: map[uint64]*pending{},
	}, nil
}

// epoch is the first event id of a hub started at t: the start time in
// milliseconds, shifted by 10 bits, so that a restarted daemon does not
// reuse the ids of the last one (an old bubble's click must not answer a
// new alert) unless the last one published over 1024 events per
// millisecond of its life. The ids stay below 2^53 (until the year 2248),
// exact in any JSON reader.
func epoch(t time.Time) uint64 {
	return uint64(max(t.UnixMilli(), 0)) << 10
}

// Name is the action's name.
func (h *Hub) Name() string { return "notify" }

// Run publishes a to every subscribed applet without waiting for any of
// them. With none subscribed, the Fallback shows it; without a Fallback,
// Run returns ErrNoApplet so the alert's outcome says nobody saw it.
func (h *Hub) Run(ctx context.Context, a alerts.Alert) error {
	ev := h.alertEvent(ctx, a)
	if id, n := h.publish(ev, everyone); n > 0 {
		h.supersede(a.Src, id)
		h.log.Debug("alert published", "event_id", id, "src", a.Src, "level", a.Level, "subscribers", n)
		return nil
	}
	if h.cfg.Fallback == nil {
		return ErrNoApplet
	}
	if err := h.cfg.Fallback.Notify(ctx, AlertBubble(a, ev.Blocked)); err != nil {
		return fmt.Errorf("notify: fallback: %w", err)
	}
	return nil
}

// Subscribe adds an applet of uid. Events arrive on the channel until
// cancel is called or the hub is closed; then it is closed. When the hub
// is closed or full, or uid has MaxSubscribersPerUID subscriptions, the
// channel is closed at once.
func (h *Hub) Subscribe(uid uint32) (<-chan Event, func()) {
	s, cancel, err := h.subscribe(uid)
	if err != nil {
		ch := make(chan Event)
		close(ch)
		return ch, func() {}
	}
	return s.ch, cancel
}

func (h *Hub) subscribe(uid uint32) (*subscription, func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, ErrHubClosed
	}
	if err := h.room(uid); err != nil {
		h.refused++
		if now := h.cfg.Clock(); now.Sub(h.warned) >= warnEvery {
			h.warned = now
			h.log.Warn("applet subscription refused", "uid", uid, "err", err, "refused_since_start", h.refused)
		}
		return nil, nil, err
	}
	s := newSubscription(uid, h.cfg.Buffer)
	h.subs[s] = struct{}{}
	var once sync.Once
	return s, func() { once.Do(func() { h.unsubscribe(s) }) }, nil
}

// room checks, with h.mu held, that uid may subscribe once more: the hub
// is not full, nor uid's share of it.
func (h *Hub) room(uid uint32) error {
	if len(h.subs) >= h.cfg.MaxSubscribers {
		return fmt.Errorf("%w (%d)", ErrTooManySubscribers, h.cfg.MaxSubscribers)
	}
	n := 0
	for s := range h.subs {
		if s.uid == uid {
			n++
		}
	}
	if n >= h.cfg.MaxSubscribersPerUID {
		return fmt.Errorf("%w: uid %d has %d", ErrTooManyForUID, uid, n)
	}
	return nil
}

// unsubscribe removes s; the events it never delivered are no longer its
// uid's to answer.
func (h *Hub) unsubscribe(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; !ok {
		return // the hub was closed
	}
	delete(h.subs, s)
	for _, ev := range s.drain() {
		h.forget(ev.ID, s.uid)
	}
	close(s.ch)
}

// Subscribers is the number of applets subscribed.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return HubStats{Subscribers: len(h.subs), MaxSubscribers: h.cfg.MaxSubscribers,
		MaxSubscribersPerUID: h.cfg.MaxSubscribersPerUID, Refused: h.refused}
}

// Close ends every subscription (their channels close, so ServeEvents
// returns) and refuses new ones. Call it when the daemon stops.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.ch)
	}
}

// Ask publishes q, with the buttons QuestionActions, to the applets of
// q.UID only: no other uid's applet (not even root's) gets it, and only
// q.UID may answer it (Choice). It returns the event's id and the number
// of subscriptions it went to; with none, nothing is published (id 0) and
// the caller keeps the question for the terminal and its timeout.
func (h *Hub) Ask(q Question) (eventID uint64, recipients int) {
	ev := Event{Kind: KindQuestion, Question: &q, Actions: QuestionActions()}
	eventID, recipients = h.publish(ev, only(q.UID))
	if recipients > 0 {
		h.log.Debug("question published", "event_id", eventID, "question", q.ID, "uid", q.UID, "subscribers", recipients)
	}
	return eventID, recipients
}

// Retract closes event eventID: it is marked answered (a late click gets
// ErrAnswered) and a KindRetract event naming it (Ref) goes to the
// subscriptions of the uid it was for (every subscription for an alert),
// whose applets close its bubble. Unknown or forgotten ids are ignored.
func (h *Hub) Retract(eventID uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.events[eventID]
	if p == nil {
		return
	}
	p.answered = true
	to := everyone
	if q := p.ev.Question; q != nil {
		to = only(q.UID)
	}
	id, n := h.send(Event{Kind: KindRetract, Ref: eventID}, to, false)
	h.log.Debug("event retracted", "event_id", eventID, "retract_id", id, "subscribers", n)
}

// Seen tells uid's applets that the user saw the alerts up to alert id
// upTo (Event.Ref); nothing is remembered, there is nothing to answer. It
// returns the number of subscriptions it went to.
func (h *Hub) Seen(uid uint32, upTo uint64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, n := h.send(Event{Kind: KindSeen, Ref: upTo}, only(uid), false)
	return n
}

// everyone is the audience of alerts: every subscription.
func everyone(uint32) bool { return true }

// only is the audience of a question: the subscriptions of uid.
func only(uid uint32) func(uint32) bool {
	return func(u uint32) bool { return u == uid }
}

// publish gives ev an id, remembers it for Choice and queues it for the
// subscriptions whose uid is in the audience to; it returns the id and
// the number of those subscriptions (0: nothing was published).
func (h *Hub) publish(ev Event, to func(uint32) bool) (uint64, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.send(ev, to, true)
}

// send is publish with h.mu held; without keep, ev is not remembered (a
// retract is not answerable).
func (h *Hub) send(ev Event, to func(uint32) bool, keep bool) (uint64, int) {
	if h.closed {
		return 0, 0
	}
	var subs []*subscription
	for s := range h.subs {
		if to(s.uid) {
			subs = append(subs, s)
		}
	}
	if len(subs) == 0 {
		return 0, 0
	}
	h.seq++
	ev.ID = h.seq
	p := &pending{ev: ev, at: h.cfg.Clock(), recipients: map[uint32]int{}}
	if keep {
		h.remember(p)
	}
	for _, s := range subs {
		p.recipients[s.uid]++
		if old, dropped := s.push(ev); dropped {
			h.forget(old.ID, s.uid)
			h.log.Warn("applet too slow: oldest event dropped", "uid", s.uid, "event_id", old.ID, "dropped", s.dropped)
		}
	}
	return ev.ID, len(subs)
}

// remember keeps p for Choice, forgetting the oldest beyond MaxPending.
func (h *Hub) remember(p *pending) {
	if len(h.order) < h.cfg.MaxPending {
		h.order = append(h.order, p.ev.ID)
	} else {
		delete(h.events, h.order[h.next])
		h.order[h.next] = p.ev.ID
		h.next = (h.next + 1) % len(h.order)
	}
	h.events[p.ev.ID] = p
}

// forget notes that one subscription of uid lost event id unseen.
func (h *Hub) forget(id uint64, uid uint32) {
	p := h.events[id]
	if p == nil || p.recipients[uid] == 0 {
		return
	}
	if p.recipients[uid]--; p.recipients[uid] == 0 {
		delete(p.recipients, uid)
	}
}

// Choice checks uid's answer to event id and, when it is acceptable,
// marks the event answered and returns what to apply. Errors are
// *ChoiceError wrapping ErrUnknownEvent, ErrNotRecipient,
// ErrChoiceNotOffered or ErrAnswered (see HTTPStatus).
func (h *Hub) Choice(uid uint32, id uint64, choice string) (Choice, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	refuse := func(err error) (Choice, error) {
		return Choice{}, &ChoiceError{EventID: id, UID: uid, Choice: choice, Err: err}
	}
	p := h.events[id]
	switch {
	case p == nil:
		return refuse(ErrUnknownEvent)
	case h.cfg.Clock().Sub(p.at) > h.cfg.AnswerWindow:
		return refuse(fmt.Errorf("%w: older than %s", ErrUnknownEvent, h.cfg.AnswerWindow))
	case p.recipients[uid] == 0:
		return refuse(ErrNotRecipient)
	case !slices.Contains(p.ev.Actions, choice):
		return refuse(ErrChoiceNotOffered)
	case p.superseded:
		return refuse(ErrSuperseded)
	case p.answered:
		return refuse(ErrAnswered)
	}
	p.answered = true
	c := Choice{EventID: id, Alert: p.ev.Alert, Action: choice}
	if q := p.ev.Question; q != nil {
		c.Question = new(*q) // the caller's, not the hub's
		h.log.Info("choice accepted", "event_id", id, "uid", uid, "choice", choice, "question", q.ID)
		return c, nil
	}
	h.log.Info("choice accepted", "event_id", id, "uid", uid, "choice", choice, "src", p.ev.Alert.Src)
	return c, nil
}
