package signatures

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// t0 is the time of the first packet of every test.
var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	attacker  = "198.51.100.7"
	attacker2 = "198.51.100.8"
	victim    = "203.0.113.10"
	victim6   = "2001:db8::10"
)

// pkt builds a packet from src to dst of protocol proto at t0, as logged on
// the INPUT chain of eth0.
func pkt(src, dst string, proto uint8, mods ...func(*sources.Packet)) *sources.Packet {
	p := &sources.Packet{
		Fields: sources.HasTime, Time: t0, Prefix: "IFW DROP", Chain: sources.ChainInput,
		In: "eth0", Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst),
		Proto: proto, Len: 60, TTL: 52, ID: 4321, Version: 4,
	}
	if p.Src.Is6() && !p.Src.Is4In6() {
		p.Version = 6
	}
	for _, m := range mods {
		m(p)
	}
	return p
}

// tcp builds a TCP packet to port dport with flags.
func tcp(src, dst string, dport uint16, flags sources.TCPFlags, mods ...func(*sources.Packet)) *sources.Packet {
	return pkt(src, dst, sources.ProtoTCP, append([]func(*sources.Packet){func(p *sources.Packet) {
		p.Fields |= sources.HasPorts | sources.HasTCP
		p.SrcPort, p.DstPort, p.TCPFlags, p.Window = 40000, dport, flags, 29200
	}}, mods...)...)
}

func syn(src, dst string, dport uint16) *sources.Packet {
	return tcp(src, dst, dport, sources.SYN)
}

func udp(src, dst string, dport uint16) *sources.Packet {
	return pkt(src, dst, sources.ProtoUDP, func(p *sources.Packet) {
		p.Fields |= sources.HasPorts | sources.HasUDPLen
		p.SrcPort, p.DstPort, p.UDPLen = 40000, dport, 8
	})
}

func icmp(src, dst string, typ, code uint8) *sources.Packet {
	proto := sources.ProtoICMP
	if netip.MustParseAddr(src).Is6() {
		proto = sources.ProtoICMPv6
	}
	return pkt(src, dst, proto, func(p *sources.Packet) {
		p.Fields |= sources.HasICMP
		p.ICMPType, p.ICMPCode = typ, code
	})
}

// after moves p d after t0.
func after(d time.Duration) func(*sources.Packet) {
	return func(p *sources.Packet) { p.Time = t0.Add(d) }
}

func at(p *sources.Packet, d time.Duration) *sources.Packet {
	p.Time = t0.Add(d)
	return p
}

// synScan is n SYNs from src to dst, ports from first up, one per ms.
func synScan(src, dst string, first uint16, n int) []*sources.Packet {
	return flagScan(src, dst, first, n, sources.SYN)
}

func flagScan(src, dst string, first uint16, n int, f sources.TCPFlags) []*sources.Packet {
	out := make([]*sources.Packet, n)
	for i := range out {
		port := uint16((int(first)+i-1)%65535 + 1)
		out[i] = at(tcp(src, dst, port, f), time.Duration(i)*time.Millisecond)
	}
	return out
}

// repeat is n copies of p, one per ms.
func repeat(p *sources.Packet, n int) []*sources.Packet {
	out := make([]*sources.Packet, n)
	for i := range out {
		c := *p
		out[i] = at(&c, p.Time.Sub(t0)+time.Duration(i)*time.Millisecond)
	}
	return out
}

// sweep is one SYN to port from src to n hosts of 203.0.113.0/24 and
// 203.0.114.0/24 ….
func sweepHosts(src string, port uint16, n int) []*sources.Packet {
	out := make([]*sources.Packet, n)
	for i := range out {
		dst := netip.AddrFrom4([4]byte{203, 0, byte(113 + i/250), byte(1 + i%250)})
		out[i] = at(syn(src, dst.String(), port), time.Duration(i)*time.Millisecond)
	}
	return out
}

func cat(lists ...[]*sources.Packet) []*sources.Packet {
	var out []*sources.Packet
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// newEngine builds an engine from DefaultConfig changed by mods.
func newEngine(t testing.TB, mods ...func(*Config)) *Engine {
	t.Helper()
	cfg := DefaultConfig()
	for _, m := range mods {
		m(&cfg)
	}
	e, err := New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// feed observes pkts through one reused Packet that is scribbled over after
// each call, as `ifw analyze` does, and returns the detections.
func feed(e *Engine, pkts []*sources.Packet) []Detection {
	var buf sources.Packet
	var out []Detection
	for _, p := range pkts {
		buf = *p
		if d, ok := e.Observe(&buf); ok {
			out = append(out, d)
		}
		scribble(&buf)
	}
	return out
}

func scribble(p *sources.Packet) {
	p.Reset()
	p.Src = netip.MustParseAddr("192.0.2.99")
	p.Dst = p.Src
	p.Prefix = "SCRIBBLED"
	p.TCPOptions.Set([]byte{9, 9, 9, 9})
	p.DstPort, p.Proto = 9, 99
}

// level is the level of src in e, 0 when untracked.
func level(e *Engine, src string) int {
	a, ok := find(e, src)
	if !ok {
		return 0
	}
	return a.Level
}

func find(e *Engine, src string) (Attacker, bool) {
	addr := netip.MustParseAddr(src)
	for _, a := range e.Attackers(0) {
		if a.Src == addr {
			return a, true
		}
	}
	return Attacker{}, false
}

func hasScan(a Attacker, typ, proto string) (Scan, bool) {
	for _, s := range a.Scans {
		if s.Type == typ && (proto == "" || s.Proto == proto) {
			return s, true
		}
	}
	return Scan{}, false
}
