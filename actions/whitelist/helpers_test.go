package whitelist

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// testFacts is a host on a LAN with a WireGuard peer and a routing table
// of its own.
func testFacts() Facts {
	pp := netip.MustParsePrefix
	a := netip.MustParseAddr
	return Facts{
		Addresses: []Address{
			{Iface: "lo", Prefix: pp("127.0.0.1/8")},
			{Iface: "lo", Prefix: pp("::1/128")},
			{Iface: "eth0", Prefix: pp("192.168.1.10/24")},
			{Iface: "eth0", Prefix: pp("2001:db8:1::10/64")},
			{Iface: "eth0", Prefix: pp("fe80::10/64")},
			{Iface: "wg0", Prefix: pp("10.9.0.1/32"), Peer: pp("10.9.0.2/32")},
		},
		Gateways: []Gateway{
			{Addr: a("198.51.100.254"), Iface: "eth1", Dst: pp("203.0.113.0/24"), Table: 100},
			{Addr: a("192.168.1.1"), Iface: "eth0"},
			{Addr: a("fe80::1"), Iface: "eth0", Dst: pp("::/0")},
		},
	}
}

const testResolvConf = `# generated
search example.org
nameserver 9.9.9.9
nameserver 2620:fe::fe
nameserver fe80::53%eth0
nameserver
nameserver bogus
options edns0
`

const testWhitelist = `# hosts ifw must never block
203.0.113.7   # monitoring
198.51.100.0/28

::ffff:203.0.113.9
Trusted.Example.  # resolved by the fake
gone.example
`

// fakeResolver answers from a map; it can be changed between loads.
type fakeResolver struct {
	mu    sync.Mutex
	hosts map[string][]string
	calls int
}

func (f *fakeResolver) resolve(_ context.Context, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	addrs, ok := f.hosts[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range addrs {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func (f *fakeResolver) set(host string, addrs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if addrs == nil {
		delete(f.hosts, host)
		return
	}
	f.hosts[host] = addrs
}

func newFakeResolver() *fakeResolver {
	return &fakeResolver{hosts: map[string][]string{"trusted.example": {"203.0.113.50", "2001:db8:2::50", "::ffff:203.0.113.51"}}}
}

// testGuard writes the test files into a temporary directory and makes a
// Guard over them and the fake facts; it is not loaded.
func testGuard(t *testing.T, cfg Config, whitelist string, facts FactsFunc, res *fakeResolver) *Guard {
	t.Helper()
	dir := t.TempDir()
	cfg.File = filepath.Join(dir, "whitelist")
	resolv := filepath.Join(dir, "resolv.conf")
	cfg.ResolvConf = []string{resolv, filepath.Join(dir, "missing.conf")}
	writeFile(t, resolv, testResolvConf)
	if whitelist != "" {
		writeFile(t, cfg.File, whitelist)
	}
	if facts == nil {
		facts = func(context.Context) (Facts, error) { return testFacts(), nil }
	}
	if res == nil {
		res = newFakeResolver()
	}
	g, err := New(cfg, nil, WithFacts(facts), WithResolver(res.resolve))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func loadedGuard(t *testing.T, cfg Config) *Guard {
	t.Helper()
	g := testGuard(t, cfg, testWhitelist, nil, nil)
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return g
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
