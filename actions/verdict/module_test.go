package verdict

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

var (
	curl = procs.Process{PID: 11, Exe: "/usr/bin/curl", UID: 1000}
	wget = procs.Process{PID: 12, Exe: "/usr/bin/wget", UID: 1000}
)

// harness runs a module on a fake kernel.
type harness struct {
	t      *testing.T
	m      *Module
	k      *fakeKernel
	asker  *fakeAsker
	jobs   chan Packet
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func newHarness(t *testing.T, cfg Config, lines ...string) *harness {
	t.Helper()
	return newHarnessOwners(t, cfg, fakeOwners{1001: curl, 1002: wget, 1003: curl}, lines...)
}

// newHarnessOwners is newHarness with owners finding the processes.
func newHarnessOwners(t *testing.T, cfg Config, owners Owners, lines ...string) *harness {
	t.Helper()
	set := rules.NewSet(rules.Options{})
	for _, l := range lines {
		r, err := rules.ParseLine(l, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := set.Add(r, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if cfg.RulesFile == "" {
		cfg.RulesFile = filepath.Join(t.TempDir(), "rules")
	}
	h := &harness{t: t, k: newFakeKernel(), asker: &fakeAsker{}}
	m, err := New(cfg, Deps{Rules: set, Owners: owners, Asker: h.asker}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.m, h.jobs = m, make(chan Packet, 16)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done.Add(1)
	go func() { defer h.done.Done(); m.serve(ctx, h.k, h.jobs) }()
	for m.kernelOrNil() == nil {
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(h.stop)
	return h
}

func (m *Module) kernelOrNil() Kernel {
	k, _ := m.kernelNow()
	return k
}

func (h *harness) stop() { h.cancel(); h.done.Wait() }

func (h *harness) send(p Packet) { h.m.submit(h.k, h.jobs, p) }

// verdictOf waits for packet id's verdict.
func (h *harness) verdictOf(id uint32) rules.Action {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if v := h.k.of(id); len(v) > 0 {
			if len(v) > 1 {
				h.t.Fatalf("packet %d got %d verdicts: %v", id, len(v), v)
			}
			return v[0]
		}
		time.Sleep(time.Millisecond)
	}
	h.t.Fatalf("packet %d got no verdict", id)
	return 0
}

// openQuestions waits until n questions are open.
func (h *harness) openQuestions(n int) []Question {
	h.t.Helper()
	return h.awaitQuestions(func(qs []Question) bool { return len(qs) == n })
}

// awaitQuestions waits until the open questions satisfy ok.
func (h *harness) awaitQuestions(ok func([]Question) bool) []Question {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		qs := h.m.Questions()
		if ok(qs) {
			return qs
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("questions: %+v", qs)
		}
		time.Sleep(time.Millisecond)
	}
}

// allShown reports whether every question in qs is on a desktop.
func allShown(qs []Question) bool {
	for _, q := range qs {
		if q.Desktops == 0 {
			return false
		}
	}
	return true
}

// slowDesktop holds every Ask of h's desktop until the returned func is
// called (also called at cleanup, before the module stops).
func slowDesktop(h *harness) (release func()) {
	ch := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	h.asker.setOnAsk(func(notify.Question) { <-ch })
	h.t.Cleanup(release)
	return release
}

func TestRulesDecide(t *testing.T) {
	h := newHarness(t, Config{RejectMark: 0x10000000},
		"allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp",
		"deny exe=/usr/bin/wget dst=203.0.113.2",
		"reject exe=any port=25",
		"allow exe=unknown dst=203.0.113.9")
	cases := []struct {
		p    Packet
		want rules.Action
	}{
		{pkt(1, 1001, "203.0.113.2", 80, 1000), rules.Allow},
		{pkt(2, 1002, "203.0.113.2", 80, 1000), rules.Deny},   // same destination, other program
		{pkt(3, 1001, "203.0.113.5", 25, 1000), rules.Reject}, // any program
		{pkt(4, 4444, "203.0.113.9", 80, 1000), rules.Allow},  // unknown process, unknown rule
		{pkt(5, 4444, "203.0.113.2", 80, 1000), 0},            // unknown never matches curl's rule: asked
	}
	for _, c := range cases {
		h.send(c.p)
	}
	for _, c := range cases[:4] {
		if got := h.verdictOf(c.p.ID); got != c.want {
			t.Errorf("packet %d: %v, want %v", c.p.ID, got, c.want)
		}
	}
	qs := h.openQuestions(1)
	if qs[0].Exe != "" || qs[0].Dst.String() != "203.0.113.2" {
		t.Errorf("question %+v, want the unknown process's", qs[0])
	}
}

func TestRejectWithoutMarkDrops(t *testing.T) {
	h := newHarness(t, Config{}, "reject exe=any")
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	if got := h.verdictOf(1); got != rules.Deny {
		t.Errorf("%v, want deny (no reject mark)", got)
	}
}

func TestQuestionMergesAndAnswers(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute})
	// The desktop shows nothing until both questions are listed: the test
	// waits for the showing, not for the listing.
	release := slowDesktop(h)
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	h.send(pkt(2, 1001, "203.0.113.2", 80, 1000)) // retransmitted SYN
	h.send(pkt(3, 1003, "203.0.113.2", 80, 1000)) // second connection, same program
	h.send(pkt(4, 1002, "203.0.113.2", 80, 1000)) // wget: its own question
	curlOf := func(qs []Question) (q Question) {
		for _, x := range qs {
			if x.Exe == "/usr/bin/curl" {
				q = x
			}
		}
		return q
	}
	h.awaitQuestions(func(qs []Question) bool { return len(qs) == 2 && curlOf(qs).Packets == 3 })
	release()
	q := curlOf(h.awaitQuestions(func(qs []Question) bool { return len(qs) == 2 && allShown(qs) }))
	if q.Connections != 2 {
		t.Fatalf("question %+v: want 2 connections", q)
	}
	if _, _, err := h.m.Answer(q.ID, Answer{Action: rules.Allow, Lifetime: rules.Once, By: 1001}); !errors.Is(err, ErrNotOwner) {
		t.Errorf("answer by another uid: %v, want ErrNotOwner", err)
	}
	if _, r, err := h.m.Answer(q.ID, Answer{Action: rules.Allow, Lifetime: rules.Once, By: 1000}); err != nil || r != nil {
		t.Fatalf("answer: %v, rule %v", err, r)
	}
	for _, id := range []uint32{1, 2, 3} {
		if got := h.verdictOf(id); got != rules.Allow {
			t.Errorf("packet %d: %v, want allow", id, got)
		}
	}
	if v := h.k.of(4); len(v) != 0 {
		t.Errorf("wget's packet decided by curl's answer: %v", v)
	}
	if _, _, err := h.m.Answer(q.ID, Answer{Action: rules.Deny}); !errors.Is(err, ErrNoQuestion) {
		t.Errorf("second answer: %v, want ErrNoQuestion", err)
	}
	if asked, retracted := h.asker.counts(); asked != 2 || retracted != 1 {
		t.Errorf("desktop: %d asked, %d retracted; want 2, 1", asked, retracted)
	}
}

func TestQuestionTimesOut(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: 150 * time.Millisecond, Default: rules.Reject, RejectMark: 1})
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	h.send(pkt(2, 1002, "203.0.113.7", 443, 1000))
	if got := h.verdictOf(1); got != rules.Reject {
		t.Errorf("%v, want the default (reject)", got)
	}
	if got := h.verdictOf(2); got != rules.Reject {
		t.Errorf("%v, want the default (reject)", got)
	}
	if st := h.m.Stats(); st.TimedOut != 2 || st.Open != 0 {
		t.Errorf("stats %+v", st)
	}
	// The connection's retransmitted SYN gets the same verdict at once; a
	// timeout applies to that connection only: the next one asks again.
	h.send(pkt(3, 1001, "203.0.113.2", 80, 1000))
	if got := h.verdictOf(3); got != rules.Reject {
		t.Errorf("retransmission: %v, want the question's verdict", got)
	}
	h.send(pkt(4, 1003, "203.0.113.2", 80, 1000))
	h.openQuestions(1)
}

func TestAnswerAlwaysSavesRuleAndSettles(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Minute})
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	q := h.openQuestions(1)[0]
	_, r, err := h.m.Answer(q.ID, Answer{Action: rules.Allow, Lifetime: rules.Permanent})
	if err != nil || r == nil {
		t.Fatalf("answer: %v %v", err, r)
	}
	h.verdictOf(1)
	h.send(pkt(2, 1003, "203.0.113.2", 80, 1000))
	if got := h.verdictOf(2); got != rules.Allow {
		t.Errorf("next connection: %v, want allow by the new rule", got)
	}
	h.send(pkt(3, 1002, "203.0.113.2", 80, 1000)) // wget is still asked
	h.openQuestions(1)
	set := rules.NewSet(rules.Options{})
	if n, err := set.Load(h.m.cfg.RulesFile); err != nil || n != 1 {
		t.Fatalf("rules file: %d rules, %v", n, err)
	}
	// A rule added while a question is open settles it.
	wq := h.openQuestions(1)[0]
	line := "deny exe=/usr/bin/wget dst=203.0.113.2 port=80"
	nr, _ := rules.ParseLine(line, nil)
	if _, err := h.m.AddRule(nr); err != nil {
		t.Fatal(err)
	}
	if got := h.verdictOf(3); got != rules.Deny {
		t.Errorf("question %d settled with %v, want deny", wq.ID, got)
	}
}

func TestModes(t *testing.T) {
	cases := []struct {
		cfg  Config
		want [2]rules.Action // curl, wget
	}{
		{Config{Mode: ModeWhitelist, Exes: []string{"/usr/bin/curl"}}, [2]rules.Action{rules.Allow, rules.Deny}},
		{Config{Mode: ModeBlacklist, Exes: []string{"/usr/bin/curl"}}, [2]rules.Action{rules.Deny, rules.Allow}},
		{Config{Mode: ModeMonitor}, [2]rules.Action{rules.Allow, rules.Allow}},
	}
	for _, c := range cases {
		t.Run(string(c.cfg.Mode), func(t *testing.T) {
			h := newHarness(t, c.cfg, "deny exe=any port=23")
			h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
			h.send(pkt(2, 1002, "203.0.113.2", 80, 1000))
			got := [2]rules.Action{h.verdictOf(1), h.verdictOf(2)}
			if got != c.want {
				t.Errorf("%v, want %v", got, c.want)
			}
			h.send(pkt(3, 1001, "203.0.113.2", 23, 1000))
			want := rules.Deny
			if c.cfg.Mode == ModeMonitor {
				want = rules.Allow
			}
			if got := h.verdictOf(3); got != want {
				t.Errorf("rule in mode %s: %v, want %v", c.cfg.Mode, got, want)
			}
		})
	}
}

func TestShutdownGivesEveryVerdict(t *testing.T) {
	for _, open := range []bool{false, true} {
		h := newHarness(t, Config{FailOpen: open, AskTimeout: time.Hour})
		for i := range uint32(5) {
			h.send(pkt(i+1, 1001+uint16(i%2), "203.0.113.2", 80, 1000))
		}
		h.openQuestions(2)
		h.stop()
		h.send(pkt(9, 1001, "203.0.113.2", 80, 1000)) // after shutdown: at once
		want := rules.Deny
		if open {
			want = rules.Allow
		}
		for _, id := range []uint32{1, 2, 3, 4, 5, 9} {
			if got := h.verdictOf(id); got != want {
				t.Errorf("fail open %v: packet %d got %v, want %v", open, id, got, want)
			}
		}
	}
}

func TestBoundsGiveFailVerdict(t *testing.T) {
	h := newHarness(t, Config{MaxQuestions: 1, MaxHeld: 2, AskTimeout: time.Hour})
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	h.send(pkt(2, 1001, "203.0.113.2", 80, 1000))
	// Workers run in parallel: packet 3 must come after the first two.
	h.awaitQuestions(func(qs []Question) bool { return len(qs) == 1 && qs[0].Packets == 2 })
	h.send(pkt(3, 1001, "203.0.113.2", 80, 1000)) // third packet of the question
	h.send(pkt(4, 1002, "203.0.113.3", 80, 1000)) // second question
	for _, id := range []uint32{3, 4} {
		if got := h.verdictOf(id); got != rules.Deny {
			t.Errorf("packet %d: %v, want the fail verdict", id, got)
		}
	}
	if v := slices.Concat(h.k.of(1), h.k.of(2)); len(v) != 0 {
		t.Errorf("held packets decided: %v", v)
	}
}

func TestTimedRuleExpiresFromFile(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Hour})
	r, _ := rules.ParseLine("allow exe=/usr/bin/curl port=80", nil)
	r.Lifetime, r.Until = rules.Timed, time.Now().Add(1500*time.Millisecond)
	if _, err := h.m.AddRule(r); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		set := rules.NewSet(rules.Options{})
		n, err := set.Load(h.m.cfg.RulesFile)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("rules file holds %d rules, want the timed one", n)
	}
	deadline := time.Now().Add(time.Minute)
	for count() != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := count(); n != 0 || h.m.Rules().Len() != 0 {
		t.Errorf("after expiry: %d in the file, %d in the set", n, h.m.Rules().Len())
	}
}

func TestQuestionShownToLateApplet(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Hour})
	h.asker.setAway(true)
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	if q := h.openQuestions(1)[0]; q.Desktops != 0 {
		t.Fatalf("shown with no applet: %+v", q)
	}
	h.asker.setAway(false) // the applet starts
	h.awaitQuestions(allShown)
	h.m.showUnshown() // what every upkeep tick does: shown once only
	h.m.showUnshown()
	if asked, _ := h.asker.counts(); asked != 1 || h.m.Questions()[0].Desktops != 1 {
		t.Errorf("asked %d times, question %+v; want shown once to the late applet", asked, h.m.Questions()[0])
	}
}

// TestQuestionShownOnce: an upkeep tick that comes while the question is
// still being put on the desktop does not put it there a second time
// (the applet would show two dialogs, one never retracted).
func TestQuestionShownOnce(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Hour})
	entered, release := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	h.asker.setOnAsk(func(notify.Question) {
		if first.CompareAndSwap(false, true) {
			close(entered)
			<-release
		}
	})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	h.send(pkt(1, 1001, "203.0.113.2", 80, 1000))
	select {
	case <-entered:
	case <-time.After(time.Minute): // a guard against a hang
		t.Fatal("the question was never put on the desktop")
	}
	h.m.showUnshown() // an upkeep tick while the first Ask is still out
	open()
	h.awaitQuestions(func(qs []Question) bool { return len(qs) == 1 && allShown(qs) })
	h.m.showUnshown()
	if asked, _ := h.asker.counts(); asked != 1 {
		t.Errorf("the desktop was asked %d times, want once", asked)
	}
}

// TestQuestionsPerUID: one user holding every question (256 connections
// to 256 destinations, left unanswered) does not leave another user's
// connection unasked; what is refused is counted.
func TestQuestionsPerUID(t *testing.T) {
	h := newHarness(t, Config{AskTimeout: time.Hour})
	share := DefaultMaxQuestions / 4
	for i := range DefaultMaxQuestions {
		id := uint32(i + 1)
		h.send(pkt(id, 1001, netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String(), 80, 1000))
		if i < share {
			h.openQuestions(i + 1)
		} else if got := h.verdictOf(id); got != rules.Deny {
			t.Fatalf("packet %d beyond uid 1000's share: %v, want the fail verdict", id, got)
		}
	}
	h.send(pkt(1000, 1002, "198.51.100.9", 443, 2000))
	qs := h.openQuestions(share + 1)
	if q := qs[len(qs)-1]; q.UID != 2000 {
		t.Errorf("newest question %+v, want uid 2000's", q)
	}
	if st := h.m.Stats(); st.UIDLimited != uint64(DefaultMaxQuestions-share) || st.Overflow != st.UIDLimited {
		t.Errorf("stats: uid_limited %d overflow %d, want %d", st.UIDLimited, st.Overflow, DefaultMaxQuestions-share)
	}
}
