package rules

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
)

// indexRules exercise every kind of index entry: keyed, wide, negated,
// multi-protocol, protocol ranges, ICMP types, bidir.
const indexRules = `
id=1 level=1 name="a" proto=tcp dport=80
id=2 level=1 name="b" proto=tcp dport=1-65535
id=3 level=1 name="c" proto=tcp dport=!80
id=4 level=1 name="d" ttl<30
id=5 level=1 name="e" proto=tcp,udp dport=53,80-90
id=6 level=1 name="f" proto=icmp itype=8
id=7 level=1 name="g" proto=icmp,icmp6 itype=3,128-130
id=8 level=1 name="h" proto>100
id=9 level=1 name="i" proto=tcp sport=80 bidir
id=10 level=1 name="j" proto=sctp dport=80 dport=79-81
id=11 level=1 name="k" proto=tcp dport=80 flags=S
`

func TestMatchOrder(t *testing.T) {
	s := mustParse(t, indexRules)
	tests := []struct {
		p    *sources.Packet
		want []int
	}{
		{syn(80), []int{1, 2, 5, 9, 11}},
		{hops(syn(80), 10), []int{1, 2, 4, 5, 9, 11}},
		{syn(85), []int{2, 3, 5}},
		{sport(tcp(ack, 40000), 80), []int{2, 3, 9}},
		{tcp(ack, 80), []int{1, 2, 5, 9}},
		{udp(53), []int{5}},
		{icmp(8, 0), []int{6}},
		{icmp(3, 1), []int{7}},
		{icmp6(129, 0), []int{7}},
		{frag(sources.ProtoTCP, 5, 100), nil},
		{frag(200, 5, 100), []int{8}},
		{with(syn(80), func(p *sources.Packet) { p.Proto = sources.ProtoSCTP }), []int{8, 10}},
	}
	for _, tt := range tests {
		if got := matchIDs(s, tt.p); !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: got %v, want %v", sources.ProtoName(tt.p.Proto), tt.p.DstPort, got, tt.want)
		}
	}
}

// TestMatchIndexEquivalence: the index gives the same answer as testing
// every rule.
func TestMatchIndexEquivalence(t *testing.T) {
	psad, err := LoadPsad("testdata/psad_signatures")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Merge(loadDefault(t), psad, mustParse(t, indexRules))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		p := randomPacket(rng)
		var want []int
		for _, r := range s.rules {
			if r.Match(p) {
				want = append(want, r.ID)
			}
		}
		if got := matchIDs(s, p); !slices.Equal(got, want) {
			t.Fatalf("packet %+v: index %v, brute force %v", p, got, want)
		}
	}
}

// randomPacket draws header values near the interesting ones.
func randomPacket(rng *rand.Rand) *sources.Packet {
	protos := []uint8{sources.ProtoTCP, sources.ProtoUDP, sources.ProtoICMP, sources.ProtoICMPv6, sources.ProtoSCTP, 47, 200}
	ports := []uint16{0, 7, 23, 53, 79, 80, 81, 137, 443, 1433, 1434, 3127, 3198, 3199, 6000, 6063, 12345, 31337, 33434, 65000, 65535}
	pick := func(n int) int { return rng.IntN(n) }
	p := &sources.Packet{
		Fields:  sources.Field(rng.Uint32()) & (sources.HasPorts | sources.HasTCP | sources.HasSeq | sources.HasICMP | sources.HasICMPEcho | sources.HasUDPLen),
		Version: 4, Src: attacker, Dst: victim, Proto: protos[pick(len(protos))],
		Len: uint32(pick(2000)), TTL: uint8(pick(256)), ID: uint16(pick(3)) + 412, IPFlags: sources.IPFlags(pick(8)),
		SrcPort: ports[pick(len(ports))], DstPort: ports[pick(len(ports))],
		TCPFlags: sources.TCPFlags(rng.Uint32()), Window: uint16(pick(3) * 32768),
		ICMPType: uint8(pick(45)), ICMPCode: uint8(pick(20)), UDPLen: uint16(pick(500)),
	}
	if pick(4) == 0 {
		p.Version, p.Src, p.Dst = 6, attacker6, victim6
	}
	if pick(8) == 0 {
		p.Src = p.Dst
	}
	if pick(8) == 0 {
		p.Seq = addrNum(victim)
	}
	if pick(10) == 0 {
		p.FragOff = uint16(pick(8191))
	}
	if pick(6) == 0 {
		p.IPOptions.Set([]byte{byte(pick(256)), 3, 0, 0})
	}
	return p
}

func TestMatchAllocs(t *testing.T) {
	s := loadDefault(t)
	n := 0
	fn := func(*Rule) { n++ }
	for _, p := range benchPackets() {
		if a := testing.AllocsPerRun(100, func() { s.Match(p.p, fn) }); a != 0 {
			t.Errorf("%s: %v allocations per Match", p.name, a)
		}
	}
}

func TestMatchEmpty(t *testing.T) {
	var nilSet *Set
	nilSet.Match(syn(1), func(*Rule) { t.Fatal("nil set matched") })
	(&Set{}).Match(syn(1), func(*Rule) { t.Fatal("zero set matched") })
	if nilSet.Len() != 0 || nilSet.Rules() != nil || nilSet.ByID(1) != nil || nilSet.Skipped() != nil {
		t.Fatal("nil set accessors")
	}
	s := mustParse(t, "# nothing\n")
	if s.Len() != 0 || len(matchIDs(s, syn(1))) != 0 {
		t.Fatal("empty file")
	}
}

func TestMerge(t *testing.T) {
	a := mustParse(t, `id=1 level=1 name="a" ttl=0`)
	b := mustParse(t, `id=2 level=1 name="b" ttl=0`)
	s, err := Merge(a, nil, b)
	if err != nil || s.Len() != 2 || !slices.Equal(matchIDs(s, hops(udp(1), 0)), []int{1, 2}) {
		t.Fatalf("Merge: %v %v", s, err)
	}
	if _, err := Merge(a, a); err == nil || !strings.Contains(err.Error(), "duplicate id 1 (test:1 and test:1)") {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestSetRulesCopy(t *testing.T) {
	s := mustParse(t, `id=1 level=1 name="a" ttl=0`)
	s.Rules()[0] = nil
	if s.Rules()[0] == nil {
		t.Fatal("Rules exposes the set's slice")
	}
}

func TestAddrEqIPv6(t *testing.T) {
	s := mustParse(t, `id=1 level=1 name="a" seq=dst`)
	p := withSeq(icmp6(128, 0), 0)
	p.Proto, p.Fields = sources.ProtoTCP, p.Fields|sources.HasTCP
	if len(matchIDs(s, p)) != 0 {
		t.Fatal("seq=dst matched an IPv6 packet")
	}
	p.Dst = netip.Addr{}
	if len(matchIDs(s, p)) != 0 {
		t.Fatal("seq=dst matched a packet without address")
	}
}

// TestMatchAddrQuickEquivalence: the prefilter's quick test on addresses
// (the IPv4 span of a rule's networks) drops no match, for addresses in,
// at the edges of and outside the networks of the rules, IPv4, IPv6 and
// IPv4-mapped.
func TestMatchAddrQuickEquivalence(t *testing.T) {
	s, err := Merge(loadDefault(t), mustParse(t, `id=901 level=1 name="src nets" src=10.0.0.0/8,192.0.2.0/24
id=902 level=1 name="dst nets and one" dst=198.51.100.0/25,203.0.113.9 proto=tcp
id=903 level=1 name="src not" src=!10.0.0.0/8
id=904 level=1 name="v6 and v4" src=2001:db8::/32,192.0.2.0/24
id=905 level=1 name="bidir" src=192.0.2.0/24 bidir
id=906 level=1 name="dst one" dst=255.255.255.255
`))
	if err != nil {
		t.Fatal(err)
	}
	addrs := []netip.Addr{attacker, victim, attacker6, victim6,
		netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("0.1.2.3"), netip.MustParseAddr("1.0.0.0"),
		netip.MustParseAddr("9.255.255.255"), netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.255.255.255"),
		netip.MustParseAddr("11.0.0.0"), netip.MustParseAddr("192.0.2.0"), netip.MustParseAddr("192.0.2.255"),
		netip.MustParseAddr("192.0.3.0"), netip.MustParseAddr("198.51.100.127"), netip.MustParseAddr("198.51.100.128"),
		netip.MustParseAddr("203.0.113.9"), netip.MustParseAddr("224.0.0.1"), netip.MustParseAddr("239.255.255.255"),
		netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("ff02::1"),
		netip.MustParseAddr("2001:db8::1")}
	rng := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for range 100000 {
		p := randomPacket(rng)
		p.Src, p.Dst = addrs[rng.IntN(len(addrs))], addrs[rng.IntN(len(addrs))]
		if p.Src.Is6() {
			p.Version = 6
		}
		var want []int
		for _, r := range s.rules {
			if r.Match(p) {
				want = append(want, r.ID)
			}
		}
		if got := matchIDs(s, p); !slices.Equal(got, want) {
			t.Fatalf("packet %v > %v: index %v, brute force %v", p.Src, p.Dst, got, want)
		}
		checked += len(want)
	}
	if checked == 0 {
		t.Fatal("no packet matched")
	}
}
