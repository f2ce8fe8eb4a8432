package alerts

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

// fakeAction is an Action whose Run is a test's function.
type fakeAction struct {
	name string
	run  func(ctx context.Context, a Alert) error
}

func (f *fakeAction) Name() string                           { return f.name }
func (f *fakeAction) Run(ctx context.Context, a Alert) error { return f.run(ctx, a) }

func okAction(name string) *fakeAction {
	return &fakeAction{name: name, run: func(context.Context, Alert) error { return nil }}
}

// runDispatcher makes a Dispatcher of routes and runs it until the test
// ends; stop cancels Run and waits for it.
func runDispatcher(t testing.TB, routes []Route, rec Recorder) (d *Dispatcher, stop func()) {
	t.Helper()
	d, err := NewDispatcher(routes, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return d, stop
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// src4 is the i-th address of 198.51.100.0/22 and beyond.
func src4(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{198, 51, byte(100 + i>>8), byte(i)})
}

// alertOf is a hand-made alert: scans as "type/proto", signatures as
// names (their ID the position in sigNames).
func alertOf(src netip.Addr, level int, scans []string, sigs []string) Alert {
	a := Alert{Src: src, Level: level, Time: t0, Host: "gw"}
	for _, s := range scans {
		typ, proto, _ := cutSlash(s)
		a.Scans = append(a.Scans, signatures.Scan{Type: typ, Proto: proto, Dst: netip.MustParseAddr("203.0.113.5"),
			MinPort: 1, MaxPort: 1024, DistinctPorts: 1024, Packets: 1024})
	}
	for _, name := range sigs {
		a.Signatures = append(a.Signatures, signatures.SigHit{ID: sigID(name), Name: name, Level: 2, Packets: 1})
	}
	return a
}

func cutSlash(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func sigID(name string) int {
	id := 0
	for _, c := range name {
		id = id*31 + int(c)
	}
	return id & 0xffff
}
