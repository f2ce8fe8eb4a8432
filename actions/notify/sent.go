package notify

import (
	"slices"
	"sync"
)

// sentBubble is a bubble shown with buttons, awaiting a click.
type sentBubble struct {
	eventID uint64
	actions []string // the buttons it offered
	seq     uint64
}

// sentSet holds the notification ids this applet sent, at most max of
// them: beyond, the oldest is forgotten (its click is then ignored).
type sentSet struct {
	mu   sync.Mutex
	m    map[uint32]sentBubble
	ring []ringSlot // insertion order; a slot may name an entry gone since
	next int
	seq  uint64
}

type ringSlot struct {
	id  uint32
	seq uint64
}

func newSentSet(max int) *sentSet {
	return &sentSet{m: make(map[uint32]sentBubble, max), ring: make([]ringSlot, max)}
}

// record runs send (the Notify call) with the set locked and, when it
// succeeds with buttons, keeps the id it returns, so that a click arriving
// right after Notify's reply waits for the id instead of being refused.
func (s *sentSet) record(eventID uint64, send func() (uint32, []string, error)) (uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, offered, err := send()
	if err != nil || len(offered) == 0 {
		return id, err
	}
	s.seq++
	old := s.ring[s.next]
	if e, ok := s.m[old.id]; ok && e.seq == old.seq {
		delete(s.m, old.id)
	}
	s.ring[s.next] = ringSlot{id: id, seq: s.seq}
	s.next = (s.next + 1) % len(s.ring)
	s.m[id] = sentBubble{eventID: eventID, actions: offered, seq: s.seq}
	return id, nil
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
	delete(s.m, id)
	return e.eventID, true
}

// remove forgets id (the bubble closed).
func (s *sentSet) remove(id uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// reset forgets every id (another server owns the name: its ids are not
// ours).
func (s *sentSet) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.m)
}

func (s *sentSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
