package whitelist

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestLoadEntriesAndProtected(t *testing.T) {
	g := loadedGuard(t, Config{})
	got := g.Entries()
	if len(got) != 5 {
		t.Fatalf("%d entries, want 5: %+v", len(got), got)
	}
	host := got[3]
	wantHost := []netip.Prefix{netip.MustParsePrefix("203.0.113.50/32"), netip.MustParsePrefix("2001:db8:2::50/128"), netip.MustParsePrefix("203.0.113.51/32")}
	if host.Text != "Trusted.Example." || host.Line != 6 || !host.Host || !slices.Equal(host.Prefixes, wantHost) || host.Err != "" {
		t.Errorf("host entry = %+v", host)
	}
	if gone := got[4]; gone.Err == "" || len(gone.Prefixes) != 0 {
		t.Errorf("unresolved entry = %+v, want an error and no prefixes", gone)
	}
	got[0].Prefixes[0] = netip.Prefix{}
	if g.Entries()[0].Prefixes[0] != netip.MustParsePrefix("203.0.113.7/32") {
		t.Error("Entries shares memory with the snapshot")
	}
	reasons := map[Reason]int{}
	for _, p := range g.Protected() {
		reasons[p.Why]++
	}
	want := map[Reason]int{ReasonOwnAddress: 6, ReasonGateway: 4, ReasonDNS: 3, ReasonWhitelist: 6,
		ReasonLoopback: 1, ReasonUnspecified: 2, ReasonLinkLocal: 2, ReasonOwnNetwork: 2, ReasonPrivate: 4}
	for r, n := range want {
		if reasons[r] != n {
			t.Errorf("%d protected for %v, want %d (%v)", reasons[r], r, n, g.Protected())
		}
	}
}

func TestLoadKeepsAddressesOfNamesThatStopResolving(t *testing.T) {
	res := newFakeResolver()
	res.set("gone.example", "198.51.100.77")
	g := testGuard(t, Config{}, testWhitelist, nil, res)
	ctx := context.Background()
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	res.set("gone.example")
	res.set("trusted.example")
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"198.51.100.77/32", "203.0.113.50/32"} {
		if why(t, g, netip.MustParsePrefix(p), true) != ReasonWhitelist {
			t.Errorf("%s no longer protected after its name failed to resolve", p)
		}
	}
	if e := g.Entries()[4]; !strings.Contains(e.Err, "keeping the addresses") {
		t.Errorf("entry error = %q", e.Err)
	}
	res.set("gone.example", "198.51.100.78")
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if why(t, g, netip.MustParsePrefix("198.51.100.77/32"), true) != 0 || why(t, g, netip.MustParsePrefix("198.51.100.78/32"), true) != ReasonWhitelist {
		t.Error("a name resolving again does not take its new addresses")
	}
}

func TestLoadFailureKeepsPreviousList(t *testing.T) {
	fail := atomic.Bool{}
	facts := func(context.Context) (Facts, error) {
		if fail.Load() {
			return Facts{}, errors.New("netlink: permission denied")
		}
		return testFacts(), nil
	}
	g := testGuard(t, Config{}, testWhitelist, facts, nil)
	ctx := context.Background()
	if err := g.Load(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func()
		want  string
	}{
		{"facts", func() { fail.Store(true) }, "permission denied"},
		{"syntax", func() { fail.Store(false); writeFile(t, g.File(), "10.0.0.1\n10.0.0.0/40\n") }, "whitelist:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			err := g.Load(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load = %v, want an error holding %q", err, tt.want)
			}
			if why(t, g, netip.MustParsePrefix("203.0.113.7/32"), true) != ReasonWhitelist {
				t.Error("failed Load dropped the previous list")
			}
		})
	}
}

func TestLoadMissingFiles(t *testing.T) {
	g := testGuard(t, Config{}, "", nil, nil)
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(g.Entries()) != 0 || why(t, g, netip.MustParsePrefix("192.168.1.1/32"), true) != ReasonGateway {
		t.Error("missing whitelist file not an empty whitelist")
	}
}

// TestCheckDuringLoad runs Checks while the list is loaded, edited and
// loaded again (go test -race): a protected address is refused every time.
func TestCheckDuringLoad(t *testing.T) {
	g := loadedGuard(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var checks atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				checks.Add(1)
				if g.Check(netip.MustParsePrefix("192.168.1.1/32"), true) == nil {
					t.Error("gateway allowed during a load")
					return
				}
				if g.Check(netip.MustParsePrefix("8.8.8.8/32"), true) != nil {
					t.Error("8.8.8.8 refused during a load")
					return
				}
				_ = g.Protected()
				_ = g.Entries()
			}
		}()
	}
	for i := range 50 {
		var err error
		switch i % 3 {
		case 0:
			err = g.Load(ctx)
		case 1:
			err = g.Add("198.51.100.200", "temp")
		case 2:
			err = g.Del("198.51.100.200")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	t.Logf("%d checks during 50 loads", checks.Load())
}

func TestResolveTimeout(t *testing.T) {
	slow := func(ctx context.Context, host string) ([]netip.Addr, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	g, err := New(Config{File: t.TempDir() + "/wl", ResolvConf: []string{}, ResolveTimeout: 50_000_000},
		nil, WithFacts(func(context.Context) (Facts, error) { return testFacts(), nil }), WithResolver(slow))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, g.File(), strings.Repeat("slow.example\n", 40))
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range g.Entries() {
		if !strings.Contains(e.Err, "deadline") {
			t.Fatalf("entry %+v: want a deadline error", e)
		}
	}
}
