package signatures

// lru is an intrusive doubly-linked list of sources, most recently seen at
// the head: moving, adding and removing are O(1) and allocate nothing.
// tick numbers the moves to the head (source.seq), noise records with
// them (noise.go): it orders the two.
type lru struct {
	head, tail *source
	n          int
	tick       uint64
}

func (l *lru) pushFront(s *source) {
	l.tick++
	s.seq = l.tick
	l.link(s)
}

// link puts s at the head without a new tick.
func (l *lru) link(s *source) {
	s.prev, s.next = nil, l.head
	if l.head != nil {
		l.head.prev = s
	} else {
		l.tail = s
	}
	l.head = s
	l.n++
}

func (l *lru) remove(s *source) {
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		l.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		l.tail = s.prev
	}
	s.prev, s.next = nil, nil
	l.n--
}

func (l *lru) moveToFront(s *source) {
	if l.head == s {
		l.tick++
		s.seq = l.tick
		return
	}
	l.remove(s)
	l.pushFront(s)
}

// insertOlder links s just after at towards the tail (at nil: at the
// head), keeping s.seq.
func (l *lru) insertOlder(at, s *source) {
	if at == nil {
		l.link(s)
		return
	}
	s.prev, s.next = at, at.next
	if at.next != nil {
		at.next.prev = s
	} else {
		l.tail = s
	}
	at.next = s
	l.n++
}
