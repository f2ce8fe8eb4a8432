package whitelist

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The tests in this file fake only the kernel boundary (Subscribe, the
// facts a load reads) and the Watcher's timers; the Guard, its files and
// the resolv.conf watch are real.

// waitGuard bounds every wait for an event.
const waitGuard = time.Minute

// fakeKernel is a Subscribe whose notifications the test sends.
type fakeKernel struct {
	subs chan *fakeSub // each subscription, as it is made
}

type fakeSub struct {
	burst chan int      // the test: send this many notifications
	acked chan struct{} // … all taken by the Watcher
	fail  chan error    // the test: break the subscription
	ended chan struct{} // closed when the subscription returned
}

func newFakeKernel() *fakeKernel { return &fakeKernel{subs: make(chan *fakeSub, 16)} }

func (k *fakeKernel) subscribe(ctx context.Context, changed func()) error {
	s := &fakeSub{burst: make(chan int), acked: make(chan struct{}), fail: make(chan error), ended: make(chan struct{})}
	defer close(s.ended)
	k.subs <- s
	for {
		select {
		case <-ctx.Done():
			return nil
		case n := <-s.burst:
			for range n {
				changed()
			}
			s.acked <- struct{}{}
		case err := <-s.fail:
			return err
		}
	}
}

// next waits for the next subscription.
func (k *fakeKernel) next(t *testing.T) *fakeSub {
	t.Helper()
	select {
	case s := <-k.subs:
		return s
	case <-time.After(waitGuard):
		t.Fatal("no subscription")
		return nil
	}
}

// send delivers n notifications and returns once the Watcher took them.
func (s *fakeSub) send(t *testing.T, n int) {
	t.Helper()
	select {
	case s.burst <- n:
	case <-time.After(waitGuard):
		t.Fatal("the subscription does not take notifications")
	}
	<-s.acked
}

// fakeTimers stands for time.After: the test sees each wait asked for and
// decides when it ends.
type fakeTimers struct{ asked chan fakeTimer }

type fakeTimer struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{asked: make(chan fakeTimer, 64)} }

func (f *fakeTimers) after(d time.Duration) <-chan time.Time {
	t := fakeTimer{d: d, fire: make(chan time.Time, 1)}
	f.asked <- t
	return t.fire
}

func (f *fakeTimers) next(t *testing.T) fakeTimer {
	t.Helper()
	select {
	case tm := <-f.asked:
		return tm
	case <-time.After(waitGuard):
		t.Fatal("no wait asked for")
		return fakeTimer{}
	}
}

// switchFacts are facts a test changes, as the kernel's would, and that
// can fail.
type switchFacts struct {
	mu    sync.Mutex
	facts Facts
	err   error
	loads int
}

func (f *switchFacts) read(context.Context) (Facts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return f.facts, f.err
}

func (f *switchFacts) set(facts Facts, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.facts, f.err = facts, err
}

// watched is a loaded guard over switchFacts with a Watcher running on
// the fakes; loaded receives after each load the Watcher made.
type watched struct {
	g      *Guard
	w      *Watcher
	facts  *switchFacts
	kernel *fakeKernel
	timers *fakeTimers
	loaded chan struct{}
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

func startWatched(t *testing.T, cfg WatchConfig) *watched {
	t.Helper()
	x := &watched{facts: &switchFacts{}, kernel: newFakeKernel(), timers: newFakeTimers(), loaded: make(chan struct{}, 64)}
	x.g = testGuard(t, Config{}, "", x.facts.read, nil)
	if err := x.g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	var err error
	x.w, err = NewWatcher(cfg, x.g, func(context.Context) { x.loaded <- struct{}{} }, nil, WithSubscribe(x.kernel.subscribe))
	if err != nil {
		t.Fatal(err)
	}
	x.w.after = x.timers.after
	ctx, cancel := context.WithCancel(context.Background())
	x.cancel, x.done = cancel, make(chan error, 1)
	go func() { x.done <- x.w.Run(ctx) }()
	t.Cleanup(x.stop)
	// The resolv.conf watch, once in place, asks for one load.
	x.timers.next(t).fire <- time.Now()
	x.waitLoaded(t)
	return x
}

// stop cancels Run and waits for it.
func (x *watched) stop() {
	x.once.Do(func() {
		x.cancel()
		<-x.done
	})
}

func (x *watched) waitLoaded(t *testing.T) {
	t.Helper()
	select {
	case <-x.loaded:
	case <-time.After(waitGuard):
		t.Fatalf("no load after a change; stats %+v", x.w.Stats())
	}
}

// gatewayFacts is a host that got an address and default routes.
func gatewayFacts() Facts {
	pp := netip.MustParsePrefix
	return Facts{
		Addresses: []Address{{Iface: "eth0", Prefix: pp("203.0.113.2/24")}, {Iface: "eth0", Prefix: pp("2001:db8:5::2/64")}},
		Gateways: []Gateway{{Addr: netip.MustParseAddr("203.0.113.1"), Iface: "eth0"},
			{Addr: netip.MustParseAddr("2001:db8:5::1"), Iface: "eth0", Dst: pp("::/0")}},
	}
}

// TestWatchDebounce: a burst of notifications loads the list once, after
// the debounce wait that the first one started, and the guard then knows
// the new gateways without anyone calling Load.
func TestWatchDebounce(t *testing.T) {
	x := startWatched(t, WatchConfig{Debounce: 250 * time.Millisecond})
	gw := netip.MustParsePrefix("203.0.113.1/32")
	if err := x.g.Check(gw, true); err != nil {
		t.Fatalf("before the change: %v", err)
	}
	x.facts.set(gatewayFacts(), nil)
	sub := x.kernel.next(t)
	sub.send(t, 100)
	tm := x.timers.next(t)
	if tm.d != 250*time.Millisecond {
		t.Errorf("debounce wait %s, want 250ms", tm.d)
	}
	if n := len(x.timers.asked); n != 0 {
		t.Errorf("a burst asked for %d more waits", n)
	}
	tm.fire <- time.Now()
	x.waitLoaded(t)
	if got := why(t, x.g, gw, true); got != ReasonGateway {
		t.Errorf("after the change, the new gateway: %v", got)
	}
	if got := why(t, x.g, netip.MustParsePrefix("2001:db8:5::1/128"), true); got != ReasonGateway {
		t.Errorf("after the change, the new IPv6 gateway: %v", got)
	}
	if got := why(t, x.g, netip.MustParsePrefix("203.0.113.2/32"), true); got != ReasonOwnAddress {
		t.Errorf("after the change, the new own address: %v", got)
	}
	if st := x.w.Stats(); st.Refreshes != 2 || st.RefreshErrors != 0 { // the start's and the burst's
		t.Errorf("stats after one burst: %+v", st)
	}
	x.facts.mu.Lock()
	loads := x.facts.loads
	x.facts.mu.Unlock()
	if loads != 3 { // the initial Load, the start's and the burst's
		t.Errorf("%d loads, want 3", loads)
	}

	// The next change starts a new wait.
	sub.send(t, 1)
	x.timers.next(t).fire <- time.Now()
	x.waitLoaded(t)
	if st := x.w.Stats(); st.Refreshes != 3 {
		t.Errorf("stats after a second change: %+v", st)
	}
}

// TestWatchLoadFails: a load that fails keeps the previous list, is
// counted, and is tried again after RetryMin, then doubled waits.
func TestWatchLoadFails(t *testing.T) {
	x := startWatched(t, WatchConfig{Debounce: time.Millisecond, RetryMin: 2 * time.Second, RetryMax: 5 * time.Second})
	x.facts.set(gatewayFacts(), errors.New("netlink: dump interrupted"))
	x.kernel.next(t).send(t, 1)
	x.timers.next(t).fire <- time.Now()
	for _, want := range []time.Duration{2 * time.Second, 4 * time.Second} {
		tm := x.timers.next(t)
		if tm.d != want {
			t.Errorf("retry after %s, want %s", tm.d, want)
		}
		if err := x.g.Check(netip.MustParsePrefix("203.0.113.1/32"), true); err != nil {
			t.Errorf("a failed load changed the list: %v", err)
		}
		if tm.d == 4*time.Second {
			x.facts.set(gatewayFacts(), nil)
		}
		tm.fire <- time.Now()
	}
	x.waitLoaded(t)
	if got := why(t, x.g, netip.MustParsePrefix("203.0.113.1/32"), true); got != ReasonGateway {
		t.Errorf("after the retry: %v", got)
	}
	if st := x.w.Stats(); st.Refreshes != 2 || st.RefreshErrors != 2 {
		t.Errorf("stats: %+v", st)
	}
}

// TestWatchResubscribes: a broken subscription is counted and made again
// after growing waits (capped), and the new one's notifications load the
// list.
func TestWatchResubscribes(t *testing.T) {
	x := startWatched(t, WatchConfig{Debounce: time.Millisecond, RetryMin: time.Second, RetryMax: 3 * time.Second})
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second} {
		sub := x.kernel.next(t)
		sub.fail <- errors.New("netlink: no buffer space available")
		<-sub.ended
		tm := x.timers.next(t)
		if tm.d != want {
			t.Errorf("resubscription %d after %s, want %s", i+1, tm.d, want)
		}
		tm.fire <- time.Now()
	}
	x.facts.set(gatewayFacts(), nil)
	x.kernel.next(t).send(t, 3)
	x.timers.next(t).fire <- time.Now()
	x.waitLoaded(t)
	if st := x.w.Stats(); st.SubscribeErrors != 4 || st.Refreshes != 2 {
		t.Errorf("stats: %+v", st)
	}
}

// TestWatchStops: cancelling Run ends the subscription, also one the
// Watcher is waiting to make again, and Run returns.
func TestWatchStops(t *testing.T) {
	x := startWatched(t, WatchConfig{})
	sub := x.kernel.next(t)
	x.stop()
	select {
	case <-sub.ended:
	default:
		t.Error("Run returned with the subscription still running")
	}

	x = startWatched(t, WatchConfig{})
	x.kernel.next(t).fail <- errors.New("broken")
	x.timers.next(t) // waiting to subscribe again, never fired
	x.stop()
}

// TestWatchResolvConf: a resolv.conf written in place or replaced by a
// rename loads the list (no netlink notification), and the new DNS
// server is protected.
func TestWatchResolvConf(t *testing.T) {
	x := startWatched(t, WatchConfig{})
	x.kernel.next(t)
	resolv := x.g.cfg.ResolvConf[0]
	dns := func(s string) Reason { return why(t, x.g, netip.MustParsePrefix(s), true) }

	writeFile(t, resolv, "nameserver 192.0.2.53\n")
	x.timers.next(t).fire <- time.Now()
	x.waitLoaded(t)
	if got := dns("192.0.2.53/32"); got != ReasonDNS {
		t.Errorf("after a write in place: %v", got)
	}

	tmp := filepath.Join(filepath.Dir(resolv), "resolv.conf.new")
	writeFile(t, tmp, "nameserver 2001:db8:53::53\n")
	if err := os.Rename(tmp, resolv); err != nil {
		t.Fatal(err)
	}
	// Events of the first write may still come: load until it is seen.
	deadline := time.Now().Add(waitGuard)
	for dns("2001:db8:53::53/128") != ReasonDNS {
		if time.Now().After(deadline) {
			t.Fatal("the replaced resolv.conf was never loaded")
		}
		x.timers.next(t).fire <- time.Now()
		x.waitLoaded(t)
	}
	if got := dns("192.0.2.53/32"); got != 0 {
		t.Errorf("the old DNS server is still protected: %v", got)
	}
	if st := x.w.Stats(); st.ResolvConfErrors != 0 {
		t.Errorf("stats: %+v", st)
	}
}

func TestWatchConfigValidate(t *testing.T) {
	for _, c := range []WatchConfig{{NetNS: "netns/x"}, {Debounce: -1}, {Debounce: 2 * time.Minute},
		{RetryMin: time.Minute, RetryMax: time.Second}, {RetryMin: -1}} {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if c := (WatchConfig{RetryMin: 2 * time.Minute}).withDefaults(); c.RetryMax != 2*time.Minute || c.Debounce != DefaultDebounce {
		t.Errorf("defaults: %+v", c)
	}
}
