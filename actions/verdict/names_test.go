package verdict

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// fakeNames knows names of addresses.
type fakeNames struct {
	mu    sync.Mutex
	names map[netip.Addr][]string
}

func (f *fakeNames) Names(a netip.Addr, _ uint32, _ time.Time) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.names[a]
}

func (f *fakeNames) set(addr string, names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names[netip.MustParseAddr(addr)] = names
}

func withNames(h *harness) *fakeNames {
	f := &fakeNames{names: map[netip.Addr][]string{}}
	h.m.deps.Names = f // before any packet: the send orders it before the workers' reads
	return f
}

// A question shows the name the destination is known by, the always
// answer's rule names it instead of the address (without looking it up:
// the name need not resolve here), and it then decides a connection to
// the next address the name is learned at.
func TestQuestionNameAndAnswerRule(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute})
	names := withNames(h)
	names.set("198.51.100.7", "www.test.example", "old.test.example")
	h.send(pkt(1, 1001, "198.51.100.7", 443, 1000))
	q := h.openQuestions(1)[0]
	if q.Host != "www.test.example" {
		t.Fatalf("question host %q", q.Host)
	}
	h.asker.mu.Lock()
	asked := append([]notify.Question(nil), h.asker.asked...)
	h.asker.mu.Unlock()
	if len(asked) != 1 || asked[0].Host != "www.test.example" {
		t.Errorf("desktop question %+v", asked)
	}
	_, r, err := h.m.Answer(q.ID, Answer{Action: rules.Allow, Lifetime: rules.Session})
	if err != nil {
		t.Fatal(err)
	}
	if r.Host != "www.test.example" || r.Dst.IsValid() || r.Ports != (rules.PortRange{Lo: 443, Hi: 443}) {
		t.Errorf("rule %v", r)
	}
	names.set("203.0.113.9", "www.test.example")
	h.send(pkt(2, 1003, "203.0.113.9", 443, 1000))
	if got := h.verdictOf(2); got != rules.Allow {
		t.Errorf("the name's next address: %v, want allow by the rule", got)
	}
	h.send(pkt(3, 1003, "203.0.113.10", 443, 1000)) // no name: asked
	if qs := h.openQuestions(1); qs[0].Host != "" {
		t.Errorf("a nameless destination's question shows %q", qs[0].Host)
	}
}

// A wildcard rule decides connections to addresses known by a name under
// its domain, and only those.
func TestWildcardRuleDecides(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute}, "allow exe=/usr/bin/curl host=*.test.example")
	names := withNames(h)
	names.set("198.51.100.7", "a.test.example")
	names.set("198.51.100.8", "test.example.evil")
	h.send(pkt(1, 1001, "198.51.100.7", 443, 1000))
	if got := h.verdictOf(1); got != rules.Allow {
		t.Errorf("a.test.example: %v", got)
	}
	h.send(pkt(2, 1003, "198.51.100.8", 443, 1000))
	h.openQuestions(1)
}

// awaitingNames has no names at first; Await gives the late ones.
type awaitingNames struct {
	fakeNames
	late []string
}

func (f *awaitingNames) Await(netip.Addr, uint32, time.Duration) []string { return f.late }

// A connection no rule decides without names is decided again with the
// names that arrive while it waits for them (its DNS answer was read
// after it).
func TestLateNames(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute}, "allow exe=/usr/bin/curl host=*.test.example")
	h.m.deps.Names = &awaitingNames{fakeNames: fakeNames{names: map[netip.Addr][]string{}}, late: []string{"a.test.example"}}
	h.send(pkt(1, 1001, "198.51.100.7", 443, 1000))
	if got := h.verdictOf(1); got != rules.Allow {
		t.Errorf("%v, want allow by the rule once the name arrived", got)
	}
}
