package dnsnames

import (
	"net/netip"
	"testing"
)

// BenchmarkObserve: a query and its answer (a CNAME and two A records).
func BenchmarkObserve(b *testing.B) {
	l, err := NewLearner(Config{})
	if err != nil {
		b.Fatal(err)
	}
	q := udpPacket(client, server, wire(7, false, "www.test.example", TypeA))
	ans := udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
		cname("www.test.example", "edge.test.example", 60), a("edge.test.example", "198.51.100.7", 60),
		a("edge.test.example", "198.51.100.8", 60)))
	b.ReportAllocs()
	for b.Loop() {
		l.Observe(HookOut, 1000, q, t0)
		l.Observe(HookIn, 0, ans, t0)
	}
}

// BenchmarkNames: the look-up every new connection makes.
func BenchmarkNames(b *testing.B) {
	l, err := NewLearner(Config{})
	if err != nil {
		b.Fatal(err)
	}
	l.Observe(HookOut, 1000, udpPacket(client, server, wire(7, false, "www.test.example", TypeA)), t0)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
		a("www.test.example", "198.51.100.7", 60))), t0)
	addr := netip.MustParseAddr("198.51.100.7")
	b.ReportAllocs()
	for b.Loop() {
		if len(l.Names(addr, 1000, t0)) != 1 {
			b.Fatal("no name")
		}
	}
}
