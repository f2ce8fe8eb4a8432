package rules

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
)

var (
	attacker  = netip.MustParseAddr("203.0.113.5")
	victim    = netip.MustParseAddr("198.51.100.10")
	attacker6 = netip.MustParseAddr("2001:db8:1::5")
	victim6   = netip.MustParseAddr("2001:db8:2::10")
)

// tcp is a TCP packet from attacker:40000 to victim:dport with flags.
func tcp(flags sources.TCPFlags, dport uint16) *sources.Packet {
	return &sources.Packet{
		Fields:  sources.HasPorts | sources.HasTCP,
		Version: 4, Src: attacker, Dst: victim, Proto: sources.ProtoTCP,
		Len: 60, TTL: 52, ID: 4321, IPFlags: sources.FlagDF,
		SrcPort: 40000, DstPort: dport, Window: 64240, TCPFlags: flags,
	}
}

// syn is a plain SYN to dport.
func syn(dport uint16) *sources.Packet { return tcp(sources.SYN, dport) }

// udp is a UDP packet with 32 bytes of payload to dport.
func udp(dport uint16) *sources.Packet {
	return &sources.Packet{
		Fields:  sources.HasPorts | sources.HasUDPLen,
		Version: 4, Src: attacker, Dst: victim, Proto: sources.ProtoUDP,
		Len: 60, TTL: 52, ID: 4321, SrcPort: 40000, DstPort: dport, UDPLen: 40,
	}
}

// icmp is an ICMP packet like a ping (56 bytes of data).
func icmp(typ, code uint8) *sources.Packet {
	p := &sources.Packet{
		Fields:  sources.HasICMP,
		Version: 4, Src: attacker, Dst: victim, Proto: sources.ProtoICMP,
		Len: 84, TTL: 52, ID: 4321, IPFlags: sources.FlagDF, ICMPType: typ, ICMPCode: code,
	}
	if typ == 0 || typ == 8 {
		p.Fields |= sources.HasICMPEcho
		p.ICMPID, p.ICMPSeq = 7, 1
	}
	return p
}

// icmp6 is an ICMPv6 packet from a global address with hop limit 64.
func icmp6(typ, code uint8) *sources.Packet {
	return &sources.Packet{
		Fields:  sources.HasICMP,
		Version: 6, Src: attacker6, Dst: victim6, Proto: sources.ProtoICMPv6,
		Len: 104, TTL: 64, ICMPType: typ, ICMPCode: code,
	}
}

// frag is a non-first IPv4 fragment (no transport header) of proto.
func frag(proto uint8, off uint16, length uint32) *sources.Packet {
	return &sources.Packet{
		Version: 4, Src: attacker, Dst: victim, Proto: proto,
		Len: length, TTL: 52, ID: 4321, FragOff: off,
	}
}

// with applies f to p and returns it.
func with(p *sources.Packet, f func(*sources.Packet)) *sources.Packet {
	f(p)
	return p
}

// withSeq sets a logged sequence number.
func withSeq(p *sources.Packet, seq uint32) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.Fields |= sources.HasSeq; p.Seq = seq })
}

// addrNum is an IPv4 address as Mirai writes it into a sequence number.
func addrNum(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func withIPOpts(p *sources.Packet, b ...byte) *sources.Packet {
	p.IPOptions.Set(b)
	return p
}

func withTCPOpts(p *sources.Packet, b ...byte) *sources.Packet {
	p.TCPOptions.Set(b)
	return p
}

// matchIDs lists the ids of the rules of s that p matches.
func matchIDs(s *Set, p *sources.Packet) []int {
	var ids []int
	s.Match(p, func(r *Rule) { ids = append(ids, r.ID) })
	return ids
}

func mustParse(t testing.TB, text string) *Set {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "test")
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	return s
}

func loadDefault(t testing.TB) *Set {
	t.Helper()
	s, err := Load("../../etc/signatures")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func contains(ids []int, id int) bool { return slices.Contains(ids, id) }
