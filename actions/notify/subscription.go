package notify

// subscription is one applet's queue of events. The hub is its only
// sender and sends with the hub's lock held; the applet's stream reads ch.
type subscription struct {
	uid     uint32
	ch      chan Event
	dropped uint64 // events lost to a full buffer so far
}

func newSubscription(uid uint32, buffer int) *subscription {
	return &subscription{uid: uid, ch: make(chan Event, buffer)}
}

// push queues ev without ever blocking: when the buffer is full, the
// oldest waiting event is dropped (and returned) to make room. Each queued
// event carries the subscription's dropped count at the time it was queued.
func (s *subscription) push(ev Event) (old Event, dropped bool) {
	ev.Dropped = s.dropped
	select {
	case s.ch <- ev:
		return Event{}, false
	default:
	}
	select {
	case old = <-s.ch:
		dropped = true
		s.dropped++
		ev.Dropped = s.dropped
	default: // the reader made room meanwhile
	}
	// Only readers act between the receive and this send, and they only
	// make room: it cannot block.
	s.ch <- ev
	return old, dropped
}

// drain empties the buffer (the subscription is ending) and returns what
// was never read.
func (s *subscription) drain() []Event {
	var left []Event
	for {
		select {
		case ev := <-s.ch:
			left = append(left, ev)
		default:
			return left
		}
	}
}
