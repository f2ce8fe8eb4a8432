package main

import (
	"net/netip"

	"github.com/ifw/ifw/sources"
)

var popularPorts = []uint16{22, 23, 80, 443, 445, 3389, 8080, 25, 53, 5060, 1433, 3306, 6379, 8443, 2323}

// noise: one-off probes of popular services from all over the internet.
func (g *generator) noise() packet {
	p := g.tcp(g.randomAddr(), g.homeHost(), popularPorts[g.rng.IntN(len(popularPorts))], sources.SYN)
	p.window = []uint16{64240, 65535, 29200, 14600, 1024}[g.rng.IntN(5)]
	if p.window != 1024 {
		p.opts = "020405B40402080A"
	}
	return p
}

// mirai: telnet probes whose sequence number is the target address.
func (g *generator) mirai() packet {
	dst := g.homeHost()
	port := uint16(23)
	if g.rng.IntN(10) == 0 {
		port = 2323
	}
	p := g.tcp(g.randomAddr(), dst, port, sources.SYN)
	b := dst.As4()
	p.seq = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	p.window = uint16(g.rng.IntN(65536))
	return p
}

// sweep: one port across the whole protected network.
func (g *generator) sweep() packet {
	s := g.pick(&g.sweeps, 3, func() *scanner {
		return &scanner{src: g.randomAddr(), sweep: true, left: 256, port: popularPorts[g.rng.IntN(5)], kind: "syn"}
	})
	s.left--
	return g.tcp(s.src, g.home[s.left%256], s.port, sources.SYN)
}

// icmp: pings from anywhere, and now and then a port unreachable quoting a
// datagram of ours.
func (g *generator) icmp() packet {
	src := g.randomAddr()
	if g.rng.IntN(4) == 0 {
		return packet{src: src, dst: g.homeHost(), proto: sources.ProtoICMP, ttl: 52, icmpType: 3, icmpCode: 3, embedded: true}
	}
	return packet{src: src, dst: g.homeHost(), proto: sources.ProtoICMP, ttl: 52, icmpType: 8, id: uint16(g.rng.IntN(65536))}
}

// ipv6: noise and a slow scanner over IPv6.
func (g *generator) ipv6() packet {
	src := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(g.rng.IntN(64))})
	port := popularPorts[g.rng.IntN(len(popularPorts))]
	if src.As16()[15] < 4 {
		port = uint16(1 + g.rng.IntN(1024))
	}
	if g.rng.IntN(3) == 0 {
		return packet{src: src, dst: g.home6, proto: sources.ProtoUDP, ttl: 60, sport: 40000, dport: port}
	}
	return g.tcp(src, g.home6, port, sources.SYN)
}

// stray: ACK and RST segments of connections the firewall forgot.
func (g *generator) stray() packet {
	flags := sources.ACK
	if g.rng.IntN(3) == 0 {
		flags = sources.RST
	}
	p := g.tcp(g.randomAddr(), g.homeHost(), uint16(32768+g.rng.IntN(28000)), flags)
	p.sport = []uint16{443, 80, 993}[g.rng.IntN(3)]
	return p
}

func (g *generator) tcp(src, dst netip.Addr, dport uint16, flags sources.TCPFlags) packet {
	p := packet{src: src, dst: dst, proto: sources.ProtoTCP, ttl: uint8(40 + g.rng.IntN(80)),
		sport: uint16(1024 + g.rng.IntN(60000)), dport: dport, flags: flags, window: 1024,
		seq: g.rng.Uint32(), id: uint16(g.rng.IntN(65536))}
	g.ipOptions(&p)
	return p
}

// ipOptions gives a quarter of the TCP packets IP options as `iptables -j
// LOG --log-ip-options` prints them (NOP and end-of-list padding; one in
// 4000 a timestamp or record-route option, which signatures flag), and half
// the Don't Fragment bit: the long psad-style line.
func (g *generator) ipOptions(p *packet) {
	p.df = g.rng.IntN(2) == 0
	switch n := g.rng.IntN(4000); {
	case n == 0:
		p.ipOpts = "440C0501000000000000000000"
	case n == 1:
		p.ipOpts = "070B04000000000000000000"
	case n < 1000:
		p.ipOpts = []string{"01010101", "01010100"}[n%2]
	}
}
