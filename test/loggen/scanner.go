package main

import (
	"net/netip"

	"github.com/ifw/ifw/sources"
)

// scanner is one attacker working through its ports (or hosts, for a
// sweep) in the kernel-visible style of its tool.
type scanner struct {
	src   netip.Addr
	dst   netip.Addr
	kind  string
	tool  string
	sweep bool
	left  int
	port  uint16
	sport uint16
	ports []uint16
}

var scanKinds = []string{"syn", "syn", "syn", "connect", "fin", "null", "xmas", "ack", "maimon", "udp", "udp", "proto"}

var scanFlags = map[string]sources.TCPFlags{
	"syn": sources.SYN, "connect": sources.SYN, "fin": sources.FIN, "null": 0,
	"xmas": sources.FIN | sources.PSH | sources.URG, "ack": sources.ACK, "maimon": sources.FIN | sources.ACK,
}

// pick returns a random live actor of pool, replacing a finished one (and
// filling the pool up to size) with a fresh one.
func (g *generator) pick(pool *[]*scanner, size int, fresh func() *scanner) *scanner {
	if len(*pool) < size {
		*pool = append(*pool, fresh())
		return (*pool)[len(*pool)-1]
	}
	i := g.rng.IntN(len(*pool))
	if (*pool)[i].left <= 0 {
		(*pool)[i] = fresh()
	}
	return (*pool)[i]
}

func (g *generator) newScanner() *scanner {
	s := &scanner{src: g.randomAddr(), dst: g.homeHost(), kind: scanKinds[g.rng.IntN(len(scanKinds))],
		sport: uint16(30000 + g.rng.IntN(30000))}
	n := []int{100, 1000, 1000, 5000, 20000}[g.rng.IntN(5)]
	if s.kind == "proto" {
		n = 255
	}
	s.ports = make([]uint16, n)
	for i, p := range g.rng.Perm(min(n, 65535)) {
		s.ports[i] = uint16(p + 1)
	}
	s.left = n
	s.tool = []string{"nmap", "nmap", "masscan", "zmap"}[g.rng.IntN(4)]
	return s
}

// scan emits the next probe of a live port scanner.
func (g *generator) scan() packet {
	s := g.pick(&g.scans, 8, g.newScanner)
	s.left--
	port := s.ports[s.left]
	switch s.kind {
	case "udp":
		return packet{src: s.src, dst: s.dst, proto: sources.ProtoUDP, ttl: 44, sport: s.sport, dport: port, id: uint16(g.rng.IntN(65536))}
	case "proto":
		return packet{src: s.src, dst: s.dst, proto: uint8(port), ttl: 44, id: uint16(g.rng.IntN(65536))}
	}
	p := g.tcp(s.src, s.dst, port, scanFlags[s.kind])
	p.sport, p.ttl = s.sport, 44
	g.fingerprint(s, &p)
	return p
}

// fingerprint makes a probe look like its tool's.
func (g *generator) fingerprint(s *scanner, p *packet) {
	switch {
	case s.kind != "syn" && s.kind != "connect":
		p.window = 1024
	case s.kind == "connect":
		p.window, p.opts = 64240, "020405B40402080A"
	case s.tool == "nmap":
		p.window, p.opts = []uint16{1024, 2048, 3072, 4096}[g.rng.IntN(4)], "020405B4"
	case s.tool == "masscan":
		b := p.dst.As4()
		ip := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		p.window, p.id = 1024, uint16(ip^uint32(p.dport)^p.seq)
	case s.tool == "zmap":
		p.window, p.id = 65535, 54321
	}
}
