package applet

import (
	"errors"
	"testing"
)

func TestSentSet(t *testing.T) {
	s := newSentSet(3)
	add := func(id uint32, ev uint64, offered ...string) {
		t.Helper()
		if _, err := s.record(ev, func() (uint32, []string, error) { return id, offered, nil }); err != nil {
			t.Fatal(err)
		}
	}
	add(1, 10, "block", "ignore")
	add(2, 20) // no buttons: kept for its retraction only
	add(3, 30, "block")
	add(4, 40, "block") // the 4th: id 1 is forgotten
	add(5, 50, "block") // id 2 too
	add(6, 60, "block")
	if _, err := s.record(70, func() (uint32, []string, error) { return 7, []string{"block"}, errors.New("no server") }); err == nil {
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
		if _, err := s.record(b.ev, func() (uint32, []string, error) { return b.id, []string{"deny"}, nil }); err != nil {
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
