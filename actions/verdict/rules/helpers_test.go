package rules

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// testUsers knows alice (1000) and bob (1001).
func testUsers(name string) (uint32, error) {
	switch name {
	case "alice":
		return 1000, nil
	case "bob":
		return 1001, nil
	}
	return 0, errors.New("no such user")
}

// fakeDNS is a Resolver with a table the test may change; it counts
// look-ups.
type fakeDNS struct {
	mu      sync.Mutex
	names   map[string][]netip.Addr
	lookups int
}

func newFakeDNS(names map[string]string) *fakeDNS {
	d := &fakeDNS{names: make(map[string][]netip.Addr)}
	for n, addrs := range names {
		d.set(n, addrs)
	}
	return d
}

func (d *fakeDNS) set(name string, addrs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var as []netip.Addr
	for _, a := range addrs {
		as = append(as, netip.MustParseAddr(a))
	}
	d.names[name] = as
}

func (d *fakeDNS) resolve(_ context.Context, host string) ([]netip.Addr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	if as, ok := d.names[host]; ok {
		return as, nil
	}
	return nil, errors.New("NXDOMAIN")
}

// testSet is a Set with the fake users and DNS.
func testSet(t testing.TB, dns *fakeDNS) *Set {
	t.Helper()
	if dns == nil {
		dns = newFakeDNS(nil)
	}
	return NewSet(Options{Resolver: dns.resolve, Users: testUsers})
}

func mustParse(t testing.TB, line string) Rule {
	t.Helper()
	r, err := ParseLine(line, testUsers)
	if err != nil {
		t.Fatalf("ParseLine(%q): %v", line, err)
	}
	return r
}

// mustAdd parses and adds a rule at t0.
func mustAdd(t testing.TB, s *Set, line string) Rule {
	t.Helper()
	r, err := s.Add(mustParse(t, line), t0)
	if err != nil {
		t.Fatalf("Add(%q): %v", line, err)
	}
	return r
}

// conn builds a Conn: exe, destination address, port, protocol.
func conn(exe, dst string, port uint16, proto uint8) Conn {
	return Conn{Exe: exe, Dst: netip.MustParseAddr(dst), Port: port, Proto: proto}
}

// sameRule compares rules, times by instant.
func sameRule(a, b Rule) bool {
	if !a.Until.Equal(b.Until) || !a.Created.Equal(b.Created) {
		return false
	}
	a.Until, b.Until, a.Created, b.Created = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b
}
