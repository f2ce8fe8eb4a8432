package rules

import (
	"testing"
	"time"
)

func TestSessionIdle(t *testing.T) {
	s := NewSet(Options{Users: testUsers, DefaultIdle: time.Minute})
	r := mustAdd(t, s, "allow exe=/bin/x lifetime=session")
	short := mustAdd(t, s, "allow exe=/bin/y idle=10s")
	x, y := conn("/bin/x", "203.0.113.2", 80, ProtoTCP), conn("/bin/y", "203.0.113.2", 80, ProtoTCP)
	steps := []struct {
		at      time.Duration // after t0
		c       Conn
		matches bool
	}{
		{59 * time.Second, x, true}, // refreshes: idle from t0+59s
		{118 * time.Second, x, true},
		{178 * time.Second, x, false}, // 60 s idle: dead
		{9 * time.Second, y, true},
		{18 * time.Second, y, true},
		{28 * time.Second, y, false},
	}
	for _, st := range steps {
		_, ok := s.Match(st.c, t0.Add(st.at))
		if ok != st.matches {
			t.Errorf("Match(%s) at +%v = %v, want %v", st.c.Exe, st.at, ok, st.matches)
		}
	}
	// Dead but not removed yet: still listed, never matched.
	if s.Len() != 2 {
		t.Fatalf("Len = %d before Expire", s.Len())
	}
	if got := s.Expire(t0.Add(100 * time.Second)); len(got) != 1 || got[0].ID != short.ID {
		t.Errorf("Expire(+100s) = %v, want only %v", got, short)
	}
	if got := s.Expire(t0.Add(177 * time.Second)); len(got) != 0 {
		t.Errorf("Expire(+177s) = %v, want nothing", got)
	}
	if got := s.Expire(t0.Add(178 * time.Second)); len(got) != 1 || got[0].ID != r.ID {
		t.Errorf("Expire(+178s) = %v, want %v", got, r)
	}
	if s.Len() != 0 {
		t.Errorf("Len = %d after Expire", s.Len())
	}
}

func TestTimed(t *testing.T) {
	s := testSet(t, nil)
	r := mustAdd(t, s, "allow exe=/usr/bin/ssh until=2026-11-21T09:00:00Z")
	perm := mustAdd(t, s, "deny")
	ssh := conn("/usr/bin/ssh", "203.0.113.2", 22, ProtoTCP)
	if got, _ := s.Match(ssh, t0.Add(time.Hour-time.Nanosecond)); got.ID != r.ID {
		t.Errorf("just before until: matched %v", got)
	}
	if got, _ := s.Match(ssh, t0.Add(time.Hour)); got.ID != perm.ID {
		t.Errorf("at until: matched %v, want %v", got, perm)
	}
	if got := s.Expire(t0.Add(time.Hour - 1)); got != nil {
		t.Errorf("Expire before until = %v", got)
	}
	if got := s.Expire(t0.Add(time.Hour)); len(got) != 1 || got[0].ID != r.ID {
		t.Errorf("Expire at until = %v", got)
	}
	if _, err := s.Add(mustParse(t, "allow until=2026-11-21T08:00:00Z"), t0); err == nil {
		t.Error("Add of a timed rule ending now did not fail")
	}
}

func TestOnce(t *testing.T) {
	s := testSet(t, nil)
	once := mustAdd(t, s, "allow exe=/bin/x lifetime=once")
	perm := mustAdd(t, s, "deny exe=any")
	x := conn("/bin/x", "203.0.113.2", 80, ProtoTCP)
	if got, _ := s.Match(conn("/bin/y", "203.0.113.2", 80, ProtoTCP), t0); got.ID != perm.ID {
		t.Fatalf("other exe matched %v", got)
	}
	if got, _ := s.Match(x, t0); got.ID != once.ID {
		t.Fatalf("first match = %v, want %v", got, once)
	}
	if _, ok := s.Get(once.ID); ok || s.Len() != 1 {
		t.Errorf("once rule still there after its match (Len %d)", s.Len())
	}
	if got, _ := s.Match(x, t0); got.ID != perm.ID {
		t.Errorf("second match = %v, want %v", got, perm)
	}
	if got := s.Expire(t0.Add(time.Hour)); got != nil {
		t.Errorf("Expire = %v", got)
	}
}

func TestOnceConsumedOnceUnderConcurrency(t *testing.T) {
	s := testSet(t, nil)
	once := mustAdd(t, s, "allow lifetime=once")
	const n = 16
	got := make(chan bool, n)
	for range n {
		go func() {
			r, ok := s.Match(conn("/bin/x", "203.0.113.2", 80, ProtoTCP), t0)
			got <- ok && r.ID == once.ID
		}()
	}
	wins := 0
	for range n {
		if <-got {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("once rule matched %d times", wins)
	}
}
