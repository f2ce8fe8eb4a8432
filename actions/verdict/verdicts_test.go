package verdict

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
)

// An answer scoped to the host decides the program's next connection to
// another port of that host, and the recent verdicts say what was given
// and why, newest first.
func TestAnswerHostScopeAndVerdicts(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute})
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	q := h.openQuestions(1)[0]
	_, r, err := h.m.Answer(q.ID, Answer{Action: rules.Deny, Lifetime: rules.Session, Scope: ScopeHost})
	if err != nil || r == nil || r.Ports != (rules.PortRange{}) {
		t.Fatalf("answer: %v, rule %+v", err, r)
	}
	if got := h.verdictOf(1); got != rules.Deny {
		t.Errorf("packet 1: %v", got)
	}
	h.send(pkt(2, 1003, "203.0.113.2", 8080, 1000)) // curl, another port of the host
	if got := h.verdictOf(2); got != rules.Deny {
		t.Errorf("another port: %v, want deny by the host rule", got)
	}
	got := h.m.Verdicts()
	if len(got) != 2 {
		t.Fatalf("verdicts %+v", got)
	}
	dst := netip.MustParseAddr("203.0.113.2")
	if v := got[0]; v.Port != 8080 || v.Why != CauseRule || v.Rule != r.ID || v.Verdict != rules.Deny || v.Dst != dst ||
		v.Exe != "/usr/bin/curl" || v.UID != 1000 || v.Proto != "tcp" || v.Count != 1 {
		t.Errorf("newest %+v", v)
	}
	if v := got[1]; v.Port != 80 || v.Why != CauseAnswer || v.Verdict != rules.Deny {
		t.Errorf("oldest %+v", v)
	}
}

// The ring keeps the newest maxVerdicts, counts repeats of the newest
// one and lists newest first.
func TestGivenRing(t *testing.T) {
	var r givenRing
	if len(r.list()) != 0 {
		t.Fatal("empty ring lists something")
	}
	r.add(Given{Port: 1})
	r.add(Given{Port: 1})
	if l := r.list(); len(l) != 1 || l[0].Count != 2 {
		t.Fatalf("repeat: %+v", l)
	}
	for i := range maxVerdicts + 10 {
		r.add(Given{Port: uint16(i + 2)})
	}
	l := r.list()
	if len(l) != maxVerdicts || l[0].Port != maxVerdicts+11 || l[maxVerdicts-1].Port != 12 {
		t.Fatalf("%d entries, newest %d, oldest %d", len(l), l[0].Port, l[len(l)-1].Port)
	}
}
