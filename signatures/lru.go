package signatures

// lru is an intrusive doubly-linked list of sources, most recently seen at
// the head: moving, adding and removing are O(1) and allocate nothing.
type lru struct {
	head, tail *source
	n          int
}

func (l *lru) pushFront(s *source) {
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
		return
	}
	l.remove(s)
	l.pushFront(s)
}
