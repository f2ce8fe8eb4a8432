package applet

import (
	"errors"
	"net/netip"
	"testing"
)

func TestSentSet(t *testing.T) {
	s := newSentSet(3)
	add := func(id uint32, ev uint64, offered ...string) {
		t.Helper()
		if _, err := s.record(ev, netip.Addr{}, func(uint32) (uint32, []string, error) { return id, offered, nil }); err != nil {
			t.Fatal(err)
		}
	}
	add(1, 10, "block", "ignore")
	add(2, 20) // no buttons: kept for its retraction only
	add(3, 30, "block")
	add(4, 40, "block") // the 4th: id 1 is forgotten
	add(5, 50, "block") // id 2 too
	add(6, 60, "block")
	if _, err := s.record(70, netip.Addr{}, func(uint32) (uint32, []string, error) { return 7, []string{"block"}, errors.New("no server") }); err == nil {
		t.Fatal("record hid the error")
	}
	tests := []struct {
		name   string
		id     uint32
		action string
		want   uint64
		ok     bool
	}{
		{"forgotten: oldest beyond the bound", 1, "block", 0, false},
		{"no buttons", 2, "block", 0, false},
		{"failed Notify", 7, "block", 0, false},
		{"not offered", 4, "ignore", 0, false},
		{"offered", 4, "block", 40, true},
		{"answered once", 4, "block", 0, false},
		{"newest kept", 6, "block", 60, true},
	}
	for _, tt := range tests {
		got, ok := s.take(tt.id, tt.action)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: take(%d, %q) = %d, %v; want %d, %v", tt.name, tt.id, tt.action, got, ok, tt.want, tt.ok)
		}
	}
	s.remove(5)
	if _, ok := s.take(5, "block"); ok {
		t.Error("removed id still taken")
	}
	add(8, 80, "block")
	s.reset()
	if s.len() != 0 {
		t.Errorf("%d ids after reset", s.len())
	}
}

func TestSentSetForEvent(t *testing.T) {
	s := newSentSet(2)
	for _, b := range []struct {
		id uint32
		ev uint64
	}{{1, 10}, {2, 20}, {3, 30}, {4, 40}} { // 1 and 2 forgotten
		if _, err := s.record(b.ev, netip.Addr{}, func(uint32) (uint32, []string, error) { return b.id, []string{"deny"}, nil }); err != nil {
			t.Fatal(err)
		}
	}
	s.remove(4) // closed by the user
	tests := []struct {
		name string
		ev   uint64
		want uint32
		ok   bool
	}{
		{"shown", 30, 3, true},
		{"retracted once", 30, 0, false},
		{"forgotten", 10, 0, false},
		{"closed", 40, 0, false},
		{"never shown", 99, 0, false},
	}
	for _, tt := range tests {
		if id, ok := s.forEvent(tt.ev); id != tt.want || ok != tt.ok {
			t.Errorf("%s: forEvent(%d) = %d, %v; want %d, %v", tt.name, tt.ev, id, ok, tt.want, tt.ok)
		}
	}
	if _, ok := s.take(3, "deny"); ok {
		t.Error("a retracted bubble's click taken")
	}
	if s.len() != 0 || len(s.byEvent) != 0 {
		t.Errorf("left: %v %v", s.m, s.byEvent)
	}
}

// TestSentSetPerAttacker: an attacker's next bubble replaces its last one
// (replaces_id); the old event is forgotten, the id's buttons are the new
// event's; a closed or forgotten bubble is not replaced, a question never
// replaces.
func TestSentSetPerAttacker(t *testing.T) {
	s := newSentSet(3)
	a, b := netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("198.51.100.9")
	next := uint32(0)
	// show is a server that honours replaces_id, as the spec says.
	show := func(ev uint64, src netip.Addr, offered ...string) (replaced uint32) {
		t.Helper()
		id, err := s.record(ev, src, func(r uint32) (uint32, []string, error) {
			replaced = r
			if r != 0 {
				return r, offered, nil
			}
			next++
			return next, offered, nil
		})
		if err != nil || (replaced != 0 && id != replaced) {
			t.Fatalf("record: %d, %v", id, err)
		}
		return replaced
	}
	if r := show(10, a, "block", "ignore"); r != 0 {
		t.Errorf("first bubble of a replaces %d", r)
	}
	show(20, b, "block")
	if r := show(30, a, "unblock", "ignore"); r != 1 {
		t.Errorf("a's DL3 bubble replaces %d, want 1", r)
	}
	if _, ok := s.forEvent(10); ok {
		t.Error("the replaced event is still known")
	}
	if _, ok := s.take(1, "block"); ok {
		t.Error("the old event's button taken on the new bubble")
	}
	if ev, ok := s.take(1, "unblock"); !ok || ev != 30 {
		t.Errorf("take(1, unblock) = %d, %v; want event 30", ev, ok)
	}
	if r := show(40, a, "block"); r != 0 {
		t.Errorf("after the click, a's next bubble replaces %d, want a new one", r)
	}
	s.remove(2) // the user closed b's bubble
	if r := show(50, b, "block"); r != 0 {
		t.Errorf("after b's bubble closed, replaces %d", r)
	}
	if r := show(60, netip.Addr{}, "deny"); r != 0 {
		t.Errorf("a question replaced %d", r)
	}
	show(70, netip.MustParseAddr("192.0.2.1"), "block") // a's bubble 3 is the oldest: forgotten
	if r := show(80, a, "block"); r != 0 || len(s.bySrc) > 3 {
		t.Errorf("a forgotten bubble replaced: %d; %d attackers kept", r, len(s.bySrc))
	}
	s.reset()
	if len(s.bySrc) != 0 {
		t.Errorf("attackers after reset: %v", s.bySrc)
	}
}
