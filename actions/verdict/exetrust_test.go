package verdict

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/test/exespoof"
)

func TestMain(m *testing.M) {
	exespoof.Main()
	os.Exit(m.Run())
}

// TestSpoofedExeNotAllowed is the exe spoof attack against the rules:
// user nobody, in a user namespace of its own, points its exe link at a
// trusted program's file and connects. Neither the rule allowing that
// program by path nor the one by path and digest allows it: the user is
// asked, told the program is unverified, and the answer makes no rule.
func TestSpoofedExeNotAllowed(t *testing.T) {
	f, err := procs.New(procs.Config{Hash: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	trusted := exespoof.Trusted(t, "firefox")
	data, err := os.ReadFile(trusted)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sp := exespoof.Start(t, trusted, "tcp", dst)
	h := newHarnessOwners(t, Config{AskTimeout: time.Minute}, f,
		"allow exe="+trusted, "allow exe="+trusted+" sha256="+hex.EncodeToString(sum[:]))
	h.send(Packet{ID: 1, UID: 65534, HasUID: true, At: time.Now(),
		Tuple: procs.Tuple{Proto: procs.ProtoTCP, Src: sp.Local, Dst: dst}})
	qs := h.awaitQuestions(func(qs []Question) bool { return len(qs) == 1 || len(h.k.of(1)) > 0 })
	if v := h.k.of(1); len(v) > 0 {
		t.Fatalf("spoofed %s decided without a question: %v", trusted, v)
	}
	q := qs[0]
	if !q.Unverified || !strings.HasPrefix(q.Exe, "userns:") || !strings.HasSuffix(q.Exe, ":"+trusted) || q.PID != sp.PID {
		t.Errorf("question %+v: want pid %d unverified, exe userns:NS:%s", q, sp.PID, trusted)
	}
	h.awaitQuestions(allShown)
	h.asker.mu.Lock()
	note := h.asker.asked[0].Exe
	h.asker.mu.Unlock()
	if !strings.HasSuffix(note, UnverifiedNote) {
		t.Errorf("desktop shown exe %q, want it marked unverified", note)
	}
	_, r, err := h.m.Answer(q.ID, Answer{Action: rules.Allow, Lifetime: rules.Permanent, By: 0})
	if err != nil || r != nil {
		t.Fatalf("answer always: rule %v, %v; want no rule", r, err)
	}
	if got := h.verdictOf(1); got != rules.Allow {
		t.Errorf("answered connection: %v, want allow", got)
	}
	if n := len(h.m.deps.Rules.List()); n != 2 {
		t.Errorf("%d rules after the answer, want the 2 there were", n)
	}
}
