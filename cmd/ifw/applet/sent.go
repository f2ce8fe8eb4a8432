package applet

import (
	"net/netip"
	"slices"
	"sync"
)

// sentBubble is a bubble shown, awaiting a click on one of its buttons or
// its retraction.
type sentBubble struct {
	eventID uint64
	actions []string   // the buttons it offered
	src     netip.Addr // the attacker of an alert's bubble; invalid for a question
	seq     uint64
}

// sentSet holds the notification ids this applet sent, at most max of
// them: beyond, the oldest is forgotten (its click is then ignored, its
// retraction leaves it to expire, the attacker's next alert makes a new
// bubble).
type sentSet struct {
	mu      sync.Mutex
	m       map[uint32]sentBubble
	byEvent map[uint64]uint32     // event id → notification id, for retractions
	bySrc   map[netip.Addr]uint32 // attacker → its bubble, which its next alert replaces
	ring    []ringSlot            // insertion order; a slot may name an entry gone since
	next    int
	seq     uint64
}

type ringSlot struct {
	id  uint32
	seq uint64
}

func newSentSet(max int) *sentSet {
	return &sentSet{m: make(map[uint32]sentBubble, max), byEvent: make(map[uint64]uint32, max),
		bySrc: make(map[netip.Addr]uint32, max), ring: make([]ringSlot, max)}
}

// record runs send (the Notify call) with the set locked and, when it
// succeeds, keeps the id it returns, so that a click arriving right after
// Notify's reply waits for the id instead of being refused. An alert's
// bubble (src valid) replaces the bubble of the same attacker still shown:
// send gets its id (0: none) for replaces_id, and the old event is
// forgotten, its buttons now the new event's.
func (s *sentSet) record(eventID uint64, src netip.Addr, send func(replaces uint32) (uint32, []string, error)) (uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var replaces uint32
	if src.IsValid() {
		replaces = s.bySrc[src]
	}
	id, offered, err := send(replaces)
	if err != nil {
		return id, err
	}
	s.drop(replaces) // replaced; a server that made a new bubble instead leaves the old one to expire
	s.seq++
	old := s.ring[s.next]
	if e, ok := s.m[old.id]; ok && e.seq == old.seq {
		s.drop(old.id)
	}
	s.drop(id) // a server reusing an id: the old bubble is gone
	s.ring[s.next] = ringSlot{id: id, seq: s.seq}
	s.next = (s.next + 1) % len(s.ring)
	s.m[id] = sentBubble{eventID: eventID, actions: offered, src: src, seq: s.seq}
	s.byEvent[eventID] = id
	if src.IsValid() {
		s.bySrc[src] = id
	}
	return id, nil
}

// drop forgets id; s.mu is held.
func (s *sentSet) drop(id uint32) {
	e, ok := s.m[id]
	if !ok {
		return
	}
	delete(s.m, id)
	if s.byEvent[e.eventID] == id {
		delete(s.byEvent, e.eventID)
	}
	if e.src.IsValid() && s.bySrc[e.src] == id {
		delete(s.bySrc, e.src)
	}
}

// take removes id and returns its event when action is one of its
// buttons; otherwise it leaves the set as it was and returns false.
func (s *sentSet) take(id uint32, action string) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[id]
	if !ok || !slices.Contains(e.actions, action) {
		return 0, false
	}
	s.drop(id)
	return e.eventID, true
}

// forEvent removes and returns the notification id of the bubble that
// showed event eventID (it is being retracted).
func (s *sentSet) forEvent(eventID uint64) (uint32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byEvent[eventID]
	if ok {
		s.drop(id)
	}
	return id, ok
}

// remove forgets id (the bubble closed).
func (s *sentSet) remove(id uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(id)
}

// reset forgets every id (another server owns the name: its ids are not
// ours).
func (s *sentSet) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.m)
	clear(s.byEvent)
	clear(s.bySrc)
}

func (s *sentSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
