package signatures

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestTCPClass(t *testing.T) {
	S, F, R, P, A, U := sources.SYN, sources.FIN, sources.RST, sources.PSH, sources.ACK, sources.URG
	E, C := sources.ECE, sources.CWR
	for _, tc := range []struct {
		flags sources.TCPFlags
		want  string
	}{
		{S, ScanSYN}, {S | E | C, ScanSYN}, {S | E, ScanSYN},
		{F, ScanFIN}, {0, ScanNull}, {F | P | U, ScanXmas},
		{A, ScanACK}, {A | P, ScanACK}, {S | A, ScanACK}, {F | P | A, ScanACK},
		{F | A, ScanMaimon}, {R, ScanRST}, {R | A, ScanRST},
		{S | F, ScanBadFlags}, {S | R, ScanBadFlags}, {F | R, ScanBadFlags},
		{S | F | R | P | A | U | E | C, ScanBadFlags}, {P, ScanBadFlags}, {U, ScanBadFlags},
		{F | P, ScanBadFlags}, {F | U, ScanBadFlags}, {S | P, ScanBadFlags}, {R | P, ScanBadFlags},
	} {
		if got := tcpClass(tc.flags).String(); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.flags, got, tc.want)
		}
	}
}

func TestScanClasses(t *testing.T) {
	S, F, R, P, A, U := sources.SYN, sources.FIN, sources.RST, sources.PSH, sources.ACK, sources.URG
	for _, tc := range []struct {
		name  string
		pkts  []*sources.Packet
		typ   string
		proto string
	}{
		{"syn", flagScan(attacker, victim, 1, 10, S), ScanSYN, "tcp"},
		{"fin", flagScan(attacker, victim, 1, 10, F), ScanFIN, "tcp"},
		{"null", flagScan(attacker, victim, 1, 10, 0), ScanNull, "tcp"},
		{"xmas", flagScan(attacker, victim, 1, 10, F|P|U), ScanXmas, "tcp"},
		{"ack", flagScan(attacker, victim, 1, 10, A), ScanACK, "tcp"},
		{"maimon", flagScan(attacker, victim, 1, 10, F|A), ScanMaimon, "tcp"},
		{"rst", flagScan(attacker, victim, 1, 10, R), ScanRST, "tcp"},
		{"bad flags", flagScan(attacker, victim, 1, 10, S|F), ScanBadFlags, "tcp"},
		{"udp", udpScan(10), ScanUDP, "udp"},
		{"icmp", repeat(icmp(attacker, victim, 13, 0), 3), ScanICMP, "icmp"},
		{"icmp6", repeat(icmp("2001:db8:bad::1", victim6, 128, 0), 3), ScanICMP6, "icmp6"},
		{"sctp", sctpScan(10), ScanSCTP, "sctp"},
		{"proto", protoScan(victim, 20), ScanProto, "ip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			feed(e, tc.pkts)
			as := e.Attackers(0)
			if len(as) != 1 {
				t.Fatalf("attackers %+v", as)
			}
			s, ok := hasScan(as[0], tc.typ, tc.proto)
			if !ok {
				t.Fatalf("no %s/%s scan in %+v", tc.typ, tc.proto, as[0].Scans)
			}
			if s.Packets != len(tc.pkts) {
				t.Errorf("scan packets %d, want %d", s.Packets, len(tc.pkts))
			}
		})
	}
}

func udpScan(n int) []*sources.Packet {
	var out []*sources.Packet
	for i := range n {
		out = append(out, at(udp(attacker, victim, uint16(100+i)), time.Duration(i)*time.Millisecond))
	}
	return out
}

func sctpScan(n int) []*sources.Packet {
	var out []*sources.Packet
	for i := range n {
		out = append(out, pkt(attacker, victim, sources.ProtoSCTP, func(p *sources.Packet) {
			p.Fields |= sources.HasPorts
			p.DstPort = uint16(100 + i)
		}))
	}
	return out
}

// protoScan is nmap -sO: one packet per IP protocol number.
func protoScan(dst string, n int) []*sources.Packet {
	var out []*sources.Packet
	for i := range n {
		out = append(out, pkt(attacker, dst, uint8(i), after(time.Duration(i)*time.Millisecond)))
	}
	return out
}

func TestProtoScan(t *testing.T) {
	e := newEngine(t)
	feed(e, protoScan(victim, 256))
	a, _ := find(e, attacker)
	s, ok := hasScan(a, ScanProto, "")
	if !ok || s.DistinctPorts != 256 || s.Ports() != "0-255" || a.Level != 3 {
		t.Errorf("nmap -sO: level %d scan %+v %v", a.Level, s, ok)
	}
	// A ping and a SYN (and a DNS query) are no protocol scan.
	e = newEngine(t)
	feed(e, []*sources.Packet{icmp(attacker, victim, 8, 0), syn(attacker, victim, 443), udp(attacker, victim, 53)})
	if a, _ := find(e, attacker); len(a.Scans) != 3 {
		t.Errorf("ping+SYN+UDP: %+v", a.Scans)
	} else if _, ok := hasScan(a, ScanProto, ""); ok {
		t.Errorf("ping+SYN+UDP is a proto scan: %+v", a.Scans)
	}
}

func TestACKScanVersusStrays(t *testing.T) {
	A, F, R, P := sources.ACK, sources.FIN, sources.RST, sources.PSH
	stray := func(flags sources.TCPFlags, port uint16) *sources.Packet {
		return tcp("192.0.2.80", victim, port, flags, func(p *sources.Packet) { p.SrcPort = 443 })
	}
	var strays []*sources.Packet
	for i := range 60 { // an hour of a busy CDN's leftovers to 4 ports
		f := []sources.TCPFlags{A, A | P, F | A, R, R | A}[i%5]
		strays = append(strays, at(stray(f, uint16(50000+i%4)), time.Duration(i)*time.Second))
	}
	for _, tc := range []struct {
		name  string
		src   string
		pkts  []*sources.Packet
		level int
		scan  bool
	}{
		{"ack scan, 8 ports", attacker, flagScan(attacker, victim, 1, 8, A), 1, true},
		{"ack scan, 7 ports", attacker, flagScan(attacker, victim, 1, 7, A), 0, false},
		{"ack scan, 1000 ports", attacker, flagScan(attacker, victim, 1, 1000, A), 3, true},
		{"strays", "192.0.2.80", strays, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			ds := feed(e, tc.pkts)
			a, _ := find(e, tc.src)
			_, scan := hasScan(a, ScanACK, "tcp")
			if a.Level != tc.level || scan != tc.scan || (tc.level == 0) != (len(ds) == 0) {
				t.Errorf("level %d (want %d), ack scan %v (want %v), %d detections: %+v",
					a.Level, tc.level, scan, tc.scan, len(ds), a)
			}
			if !tc.scan && (a.DestinationCount != 0 || len(a.Scans) != 0) {
				t.Errorf("strays show: %+v", a)
			}
		})
	}
}

// Stray ACKs before a SYN scan do not add to it until they make an ACK
// scan; once they do, all of them count.
func TestACKGateOpens(t *testing.T) {
	e := newEngine(t)
	feed(e, cat(flagScan(attacker, victim, 1, 7, sources.ACK), repeat(syn(attacker, victim, 80), 4)))
	a, _ := find(e, attacker)
	if a.Level != 0 || a.Targets[0].Packets != 4 {
		t.Fatalf("before: %+v", a)
	}
	feed(e, flagScan(attacker, victim, 100, 1, sources.ACK))
	a, _ = find(e, attacker)
	if a.Level != 1 || a.Targets[0].Packets != 12 {
		t.Fatalf("after: %+v", a)
	}
}

func TestInvalidICMP(t *testing.T) {
	for _, tc := range []struct {
		src        string
		typ, code  uint8
		wantLevel  int
		wantScanTy string
	}{
		{attacker, 8, 0, 0, ScanICMP},
		{attacker, 8, 1, 2, ScanBadICMP},
		{attacker, 3, 15, 0, ScanICMP},
		{attacker, 3, 16, 2, ScanBadICMP},
		{attacker, 1, 0, 2, ScanBadICMP},
		{attacker, 44, 0, 2, ScanBadICMP},
		{attacker, 9, 16, 0, ScanICMP},
		{attacker, 9, 8, 2, ScanBadICMP},
		{"2001:db8:bad::1", 128, 0, 0, ScanICMP6},
		{"2001:db8:bad::1", 128, 3, 2, ScanBadICMP},
		{"2001:db8:bad::1", 1, 8, 0, ScanICMP6},
		{"2001:db8:bad::1", 1, 9, 2, ScanBadICMP},
		{"2001:db8:bad::1", 138, 255, 0, ScanICMP6},
		{"2001:db8:bad::1", 150, 0, 2, ScanBadICMP},
		{"2001:db8:bad::1", 8, 0, 2, ScanBadICMP},
	} {
		dst := victim
		if tc.src != attacker {
			dst = victim6
		}
		e := newEngine(t)
		feed(e, []*sources.Packet{icmp(tc.src, dst, tc.typ, tc.code)})
		a, _ := find(e, tc.src)
		if _, ok := hasScan(a, tc.wantScanTy, ""); a.Level != tc.wantLevel || !ok {
			t.Errorf("%s type %d code %d: level %d (want %d) scans %+v", tc.src, tc.typ, tc.code, a.Level, tc.wantLevel, a.Scans)
		}
	}
	e := newEngine(t, func(c *Config) { c.InvalidICMPLevel = 0 })
	feed(e, []*sources.Packet{icmp(attacker, victim, 8, 1)})
	if got := level(e, attacker); got != 0 {
		t.Errorf("InvalidICMPLevel 0: level %d", got)
	}
}
