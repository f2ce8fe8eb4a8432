package whitelist

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// TestNetlinkSubscribeInNamespace: the real subscriptions, in a network
// namespace the test made (needs root): an interface without an address
// gets one and default routes, and the guard, reloaded by the Watcher
// alone, protects the new address and gateways; links going down and
// their routes vanishing load it again.
func TestNetlinkSubscribeInNamespace(t *testing.T) {
	ns := testenv.NewNetNS(t, "wl")
	testenv.Veth(t, ns, "veth0", ns, "peer0")
	g, err := New(Config{File: t.TempDir() + "/wl", ResolvConf: []string{}}, nil, WithFacts(NetlinkFacts(nsHandle(t, ns))))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	loaded := make(chan struct{}, 1)
	w, err := NewWatcher(WatchConfig{NetNS: ns.Path(), Debounce: 10 * time.Millisecond}, g,
		func(context.Context) {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitGuard):
			t.Error("Run did not return after cancel")
		}
	}()
	// until refused(p, want) holds, wait for the Watcher's loads.
	waitReason := func(p string, want Reason) {
		t.Helper()
		deadline := time.After(waitGuard)
		for why(t, g, netip.MustParsePrefix(p), true) != want {
			select {
			case <-loaded:
			case <-deadline:
				t.Fatalf("%s: never %v; stats %+v", p, want, w.Stats())
			}
		}
	}
	waitReason("203.0.113.1/32", 0) // the listing at subscription loaded nothing new
	for _, cmd := range [][]string{
		{"addr", "add", "203.0.113.2/24", "dev", "veth0"},
		{"-6", "addr", "add", "2001:db8:5::2/64", "dev", "veth0", "nodad"},
		{"route", "add", "default", "via", "203.0.113.1"},
		{"-6", "route", "add", "default", "via", "2001:db8:5::1"},
	} {
		ns.Run(t, append([]string{"ip"}, cmd...)...)
	}
	waitReason("203.0.113.1/32", ReasonGateway)
	waitReason("2001:db8:5::1/128", ReasonGateway)
	waitReason("203.0.113.2/32", ReasonOwnAddress)
	waitReason("2001:db8:5::2/128", ReasonOwnAddress)

	ns.Run(t, "ip", "link", "set", "veth0", "down") // the IPv4 default route goes without a route notification
	waitReason("203.0.113.1/32", 0)
	if st := w.Stats(); st.Refreshes == 0 || st.SubscribeErrors != 0 {
		t.Errorf("stats: %+v", st)
	}
}
