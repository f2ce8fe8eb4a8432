package signatures

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestExpiry(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan(attacker, victim, 1, 5))
	timeout := DefaultConfig().ScanTimeout
	// Exactly the timeout after the last packet: still the same scan.
	last := 4 * time.Millisecond
	feed(e, []*sources.Packet{at(syn(attacker, victim, 100), last+timeout)})
	if a, _ := find(e, attacker); a.Packets != 6 || a.Level != 1 {
		t.Fatalf("at the timeout: %+v", a)
	}
	// Just over the timeout after that: a new scan.
	ds := feed(e, []*sources.Packet{at(syn(attacker, victim, 101), last+2*timeout+time.Nanosecond)})
	if a, _ := find(e, attacker); a.Packets != 1 || a.Level != 0 || len(ds) != 0 {
		t.Fatalf("after the timeout: %+v %+v", a, ds)
	}
	if st := e.Stats(); st.Expired != 1 || st.Sources != 1 || st.Created != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestExpiryFromTail(t *testing.T) {
	e := newEngine(t)
	for i := range 100 {
		feed(e, []*sources.Packet{syn(fmt.Sprintf("192.0.2.%d", i), victim, 22)})
	}
	feed(e, []*sources.Packet{at(syn(attacker, victim, 22), time.Hour)})
	if st := e.Stats(); st.Sources != 101 || st.Expired != 0 {
		t.Fatalf("before: %+v", st)
	}
	if got := len(e.Attackers(0)); got != 101 {
		t.Errorf("attackers before: %d", got)
	}
	// The clock moves when clockVotes packets in a row agree (clock.go).
	feed(e, repeat(at(syn(attacker2, victim, 22), time.Hour+time.Second), clockVotes))
	st := e.Stats()
	if st.Sources != 2 || st.Expired != 100 {
		t.Errorf("after: %+v", st)
	}
}

func TestAttackersSkipsStale(t *testing.T) {
	e := newEngine(t)
	feed(e, []*sources.Packet{syn(attacker, victim, 22)})
	// attacker2's packet comes from a later log; attacker is stale then,
	// even though no expiry ran for it yet (it was just moved).
	e.clock = clock{now: t0.Add(2 * time.Hour).UnixNano(), set: true}
	if as := e.Attackers(0); len(as) != 0 {
		t.Errorf("stale attacker listed: %+v", as)
	}
}

func TestLRUBound(t *testing.T) {
	const max = 100
	e := newEngine(t, func(c *Config) { c.MaxSources = max })
	var pkts []*sources.Packet
	for i := range 10 * max {
		src := netip.AddrFrom4([4]byte{192, 0, byte(i >> 8), byte(i)})
		pkts = append(pkts, at(syn(src.String(), victim, 22), time.Duration(i)*time.Millisecond))
		if i%7 == 0 { // some scanners among them
			pkts = append(pkts, synScan(src.String(), victim, 1, 20)...)
		}
	}
	feed(e, pkts)
	st := e.Stats()
	if st.Sources != max || st.Evicted != 9*max || len(e.srcs) != max || e.lru.n != max {
		t.Errorf("stats %+v, map %d, lru %d", st, len(e.srcs), e.lru.n)
	}
	// The most recent ones survive.
	if _, ok := find(e, netip.AddrFrom4([4]byte{192, 0, 3, 231}).String()); !ok {
		t.Error("last source evicted")
	}
}

func TestMaxDestinations(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.MaxDestinations, c.SweepLevels = 20, [5]int{2, 4, 6, 8, 10} })
	feed(e, sweepHosts(attacker, 22, 50))
	a, _ := find(e, attacker)
	if a.DestinationCount != 20 || a.Level != 5 || e.Stats().Untracked != 30 || len(a.Destinations) != 20 {
		t.Errorf("%+v %+v", a, e.Stats())
	}
}

func TestReportItemsBound(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.MaxReportItems = 5 })
	for i := range 30 {
		feed(e, synScan(attacker, fmt.Sprintf("203.0.113.%d", i+1), 1, 5))
	}
	a, _ := find(e, attacker)
	if len(a.Destinations) != 5 || len(a.Targets) != 5 || len(a.Scans) != 5 || a.DestinationCount != 30 {
		t.Errorf("%+v", a)
	}
}

func TestPortBitmapBudget(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.MaxPortBitmaps = 1 })
	feed(e, cat(synScan(attacker, victim, 1, 1000), synScan(attacker, "203.0.113.11", 1, 1000)))
	a, _ := find(e, attacker)
	st := e.Stats()
	if st.PortBitmaps != 1 || st.SaturatedPortSets == 0 {
		t.Errorf("stats %+v", st)
	}
	var distinct []int
	for _, s := range a.Scans {
		distinct = append(distinct, s.DistinctPorts)
	}
	if !reflect.DeepEqual(distinct, []int{1000, 64}) || a.Level != 3 {
		t.Errorf("level %d, distinct ports %v", a.Level, distinct)
	}
	// Expiry gives the bitmaps back.
	feed(e, repeat(at(syn(attacker2, victim, 1), 3*time.Hour), clockVotes))
	if st := e.Stats(); st.PortBitmaps != 0 {
		t.Errorf("after expiry %+v", st)
	}
}

// mix is a realistic log: scanners, noise, sweeps, IPv6 and strays.
func mix(n int, seed uint32) []*sources.Packet {
	var out []*sources.Packet
	r := seed
	next := func() uint32 { r ^= r << 13; r ^= r >> 17; r ^= r << 5; return r }
	for i := 0; len(out) < n; i++ {
		d := time.Duration(i) * 10 * time.Millisecond
		var p *sources.Packet
		switch k := next() % 100; {
		case k < 40: // nmap SYN scan
			p = tcp(attacker, victim, uint16(next()%1024+1), sources.SYN, nmapSYN)
		case k < 50: // a FIN/Xmas scanner
			p = tcp(attacker2, victim, uint16(next()%2000+1), []sources.TCPFlags{sources.FIN, sources.FIN | sources.PSH | sources.URG}[next()%2])
		case k < 75: // internet noise: one packet each from many hosts
			src := netip.AddrFrom4([4]byte{100, byte(next()), byte(next()), byte(next())})
			p = syn(src.String(), victim, []uint16{22, 23, 80, 443, 3389, 445}[next()%6])
		case k < 85: // a sweep of port 445 across a /22
			dst := netip.AddrFrom4([4]byte{203, 0, 112 + byte(next()%4), byte(next())})
			p = syn("192.0.2.45", dst.String(), 445)
		case k < 92: // IPv6 scanner
			p = syn("2001:db8:bad::1", victim6, uint16(next()%65535+1))
		case k < 96: // stray ACKs from a CDN
			p = tcp("192.0.2.80", victim, uint16(50000+next()%4), sources.ACK|sources.PSH)
		default: // pings and UDP
			p = udp("192.0.2.53", victim, uint16(next()%100+1))
		}
		out = append(out, at(p, d))
	}
	return out
}

func nmapSYN(p *sources.Packet) {
	p.Window = 1024
	p.TCPOptions.Set([]byte{2, 4, 5, 0xb4})
}

func TestDeterminism(t *testing.T) {
	pkts := mix(20000, 1)
	run := func() ([]Attacker, []Detection, Stats) {
		e := newEngine(t, func(c *Config) { c.MaxSources = 1000 })
		ds := feed(e, pkts)
		return e.Attackers(0), ds, e.Stats()
	}
	a1, d1, s1 := run()
	a2, d2, s2 := run()
	if !reflect.DeepEqual(a1, a2) || !reflect.DeepEqual(d1, d2) || !reflect.DeepEqual(s1, s2) {
		t.Fatal("two runs over the same input differ")
	}
	if len(a1) < 100 || a1[0].Level < 3 {
		t.Errorf("unexpected result: %d attackers, top %+v", len(a1), a1[0])
	}
	for i := 1; i < len(a1); i++ {
		p, c := a1[i-1], a1[i]
		if p.Level < c.Level || p.Level == c.Level && (p.Packets < c.Packets || p.Packets == c.Packets && p.Src.Compare(c.Src) > 0) {
			t.Fatalf("not sorted at %d: %v/%d/%v then %v/%d/%v", i, p.Level, p.Packets, p.Src, c.Level, c.Packets, c.Src)
		}
	}
	if got := e2eMinLevel(a1, 1); len(newEngineAttackers(t, pkts, 1)) != got {
		t.Errorf("Attackers(1) count mismatch")
	}
}

func e2eMinLevel(as []Attacker, min int) int {
	n := 0
	for _, a := range as {
		if a.Level >= min {
			n++
		}
	}
	return n
}

func newEngineAttackers(t *testing.T, pkts []*sources.Packet, min int) []Attacker {
	e := newEngine(t, func(c *Config) { c.MaxSources = 1000 })
	feed(e, pkts)
	return e.Attackers(min)
}
