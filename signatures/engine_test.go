package signatures

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestDangerLevelThresholds(t *testing.T) {
	for _, tc := range []struct{ packets, want int }{
		{1, 0}, {4, 0}, {5, 1}, {14, 1}, {15, 2}, {149, 2}, {150, 3},
		{1499, 3}, {1500, 4}, {9999, 4}, {10000, 5}, {12000, 5},
	} {
		t.Run(fmt.Sprint(tc.packets), func(t *testing.T) {
			e := newEngine(t)
			feed(e, synScan(attacker, victim, 1, tc.packets))
			if got := level(e, attacker); got != tc.want {
				t.Errorf("%d packets: level %d, want %d", tc.packets, got, tc.want)
			}
		})
	}
}

func TestCustomDangerLevels(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.DangerLevels = [5]int{2, 3, 4, 5, 6} })
	feed(e, synScan(attacker, victim, 1, 4))
	if got := level(e, attacker); got != 3 {
		t.Errorf("level %d, want 3", got)
	}
}

func TestPortRangeRule(t *testing.T) {
	alternate := func(n int) []*sources.Packet {
		var out []*sources.Packet
		for i := range n {
			out = append(out, at(syn(attacker, victim, uint16(22+i%2)), time.Duration(i)*time.Millisecond))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		pkts []*sources.Packet
		want int
	}{
		{"same port 200 times", repeat(syn(attacker, victim, 22), 200), 0},
		{"same UDP port 20000 times", repeat(udp(attacker, victim, 53), 20000), 0},
		{"two ports, 5 packets", alternate(5), 1},
		{"two ports, 4 packets", alternate(4), 0},
		{"tcp and udp ports", cat(repeat(syn(attacker, victim, 80), 3), repeat(udp(attacker, victim, 81), 2)), 1},
		// psad: a pair without TCP/UDP ports counts its packets as its range
		{"pings only", repeat(icmp(attacker, victim, 8, 0), 500), 3},
		{"4 pings", repeat(icmp(attacker, victim, 8, 0), 4), 0},
		{"5 pings", repeat(icmp(attacker, victim, 8, 0), 5), 1},
		{"5 packets to port 0", repeat(udp(attacker, victim, 0), 5), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			feed(e, tc.pkts)
			if got := level(e, attacker); got != tc.want {
				t.Errorf("level %d, want %d", got, tc.want)
			}
		})
	}
}

func protoPkt(proto uint8) *sources.Packet {
	switch proto {
	case sources.ProtoTCP:
		return syn(attacker, victim, 80)
	case sources.ProtoUDP:
		return udp(attacker, victim, 80)
	case sources.ProtoICMP:
		return icmp(attacker, victim, 8, 0)
	}
	return pkt(attacker, victim, proto)
}

func TestMinProtocols(t *testing.T) {
	protos := []uint8{sources.ProtoTCP, sources.ProtoUDP, sources.ProtoICMP, sources.ProtoGRE, sources.ProtoESP}
	for _, n := range []int{4, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := newEngine(t)
			var pkts []*sources.Packet
			for i := range 5 {
				pkts = append(pkts, protoPkt(protos[i%n]))
			}
			feed(e, pkts)
			want := 0
			if n >= 5 {
				want = 1
			}
			if got := level(e, attacker); got != want {
				t.Errorf("%d protocols: level %d, want %d", n, got, want)
			}
		})
	}
}

func TestMinDestinations(t *testing.T) {
	for _, tc := range []struct{ others, want int }{{8, 0}, {9, 2}} {
		t.Run(fmt.Sprint(tc.others+1), func(t *testing.T) {
			e := newEngine(t)
			// 15 packets to one port of the victim: no range, scores only
			// once the source touched 10 destinations.
			pkts := repeat(syn(attacker, victim, 443), 15)
			for i := range tc.others {
				pkts = append(pkts, syn(attacker, fmt.Sprintf("203.0.113.%d", 100+i), 443))
			}
			feed(e, pkts)
			a, _ := find(e, attacker)
			if a.Level != tc.want {
				t.Errorf("level %d, want %d (%+v)", a.Level, tc.want, a.Targets)
			}
			if a.DestinationCount != tc.others+1 {
				t.Errorf("destination count %d, want %d", a.DestinationCount, tc.others+1)
			}
		})
	}
}

func TestSweepThresholds(t *testing.T) {
	for _, tc := range []struct{ hosts, want int }{
		{9, 0}, {10, 1}, {19, 1}, {20, 2}, {49, 2}, {50, 3}, {99, 3}, {100, 4}, {499, 4}, {500, 5},
	} {
		t.Run(fmt.Sprint(tc.hosts), func(t *testing.T) {
			e := newEngine(t)
			feed(e, sweepHosts(attacker, 22, tc.hosts))
			a, _ := find(e, attacker)
			if a.Level != tc.want {
				t.Errorf("%d hosts: level %d, want %d", tc.hosts, a.Level, tc.want)
			}
			s, ok := hasScan(a, ScanSweep, "tcp")
			if ok != (tc.want > 0) {
				t.Fatalf("sweep scan reported %v, want %v: %+v", ok, tc.want > 0, a.Scans)
			}
			if ok && (s.Ports() != "22-22" || s.Hosts != tc.hosts || s.DistinctPorts != 1 || s.Dst.IsValid()) {
				t.Errorf("sweep scan %+v (ports %q)", s, s.Ports())
			}
		})
	}
}

func TestICMPSweep(t *testing.T) {
	e := newEngine(t)
	var pkts []*sources.Packet
	for i := range 25 {
		pkts = append(pkts, icmp(attacker, fmt.Sprintf("203.0.113.%d", i+1), 8, 0))
	}
	feed(e, pkts)
	a, _ := find(e, attacker)
	s, ok := hasScan(a, ScanSweep, "icmp")
	if a.Level != 2 || !ok || s.Ports() != "8-8" || s.Hosts != 25 {
		t.Errorf("level %d, sweep %+v %v", a.Level, s, ok)
	}
}

func TestDetections(t *testing.T) {
	e := newEngine(t)
	ds := feed(e, synScan(attacker, victim, 1, 15))
	if len(ds) != 2 {
		t.Fatalf("%d detections, want 2 (level 1, level 2): %+v", len(ds), ds)
	}
	first := ds[0]
	if first.Reasons&ReasonLevel == 0 || first.PrevLevel != 0 || first.Attacker.Level != 1 ||
		first.Reasons&ReasonScan != 0 || first.Attacker.Packets != 5 {
		t.Errorf("first detection %+v", first)
	}
	if !first.Time.Equal(t0.Add(4 * time.Millisecond)) {
		t.Errorf("time %v", first.Time)
	}
	if ds[1].PrevLevel != 1 || ds[1].Attacker.Level != 2 {
		t.Errorf("second detection %+v", ds[1])
	}
	// A new scan class at level 2 is a detection of its own.
	ds = feed(e, []*sources.Packet{at(tcp(attacker, victim, 7, sources.FIN), time.Second)})
	if len(ds) != 1 || ds[0].Reasons != ReasonScan {
		t.Fatalf("FIN after SYN scan: %+v", ds)
	}
	// So is a new destination.
	ds = feed(e, []*sources.Packet{at(syn(attacker, "203.0.113.11", 7), time.Second)})
	if len(ds) != 1 || ds[0].Reasons != ReasonDestination || ds[0].Attacker.DestinationCount != 2 {
		t.Fatalf("new destination: %+v", ds)
	}
	// More of the same is not.
	if ds = feed(e, synScan(attacker, victim, 100, 20)); len(ds) != 0 {
		t.Errorf("more of the same: %+v", ds)
	}
	if got := e.Stats().Detections; got != 4 {
		t.Errorf("stats detections %d", got)
	}
}

func TestLevelNeverDecreases(t *testing.T) {
	e := newEngine(t)
	pkts := synScan(attacker, victim, 1, 150)
	for i := range 200 {
		pkts = append(pkts, at(icmp(attacker, victim, 0, 0), time.Second+time.Duration(i)*time.Second))
	}
	prev := 0
	var buf sources.Packet
	for _, p := range pkts {
		buf = *p
		e.Observe(&buf)
		lvl := level(e, attacker)
		if lvl < prev {
			t.Fatalf("level went from %d to %d", prev, lvl)
		}
		prev = lvl
	}
	if prev != 3 {
		t.Errorf("final level %d, want 3", prev)
	}
}

func TestIPv6(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan("2001:db8:bad::1", victim6, 1, 20))
	a, ok := find(e, "2001:db8:bad::1")
	if !ok || a.Level != 2 || a.Destinations[0] != netip.MustParseAddr(victim6) {
		t.Errorf("%+v", a)
	}
	// IPv4-mapped addresses are the IPv4 source.
	feed(e, synScan("::ffff:"+attacker2, "::ffff:"+victim, 1, 5))
	if level(e, attacker2) != 1 {
		t.Errorf("IPv4-mapped source not unmapped: %+v", e.Attackers(0))
	}
}

func TestPacketTime(t *testing.T) {
	e := newEngine(t)
	p := syn(attacker, victim, 1)
	p.Fields, p.Time, p.Uptime = sources.HasUptime, time.Time{}, 90*time.Second
	feed(e, []*sources.Packet{p})
	a, _ := find(e, attacker)
	if !a.FirstSeen.Equal(time.Unix(90, 0)) {
		t.Errorf("uptime: first seen %v", a.FirstSeen)
	}
	p.Fields, p.Uptime = 0, 0 // no time at all: latest time seen
	feed(e, []*sources.Packet{p})
	a, _ = find(e, attacker)
	if !a.LastSeen.Equal(time.Unix(90, 0)) || a.Packets != 2 {
		t.Errorf("no time: %+v", a)
	}
}
