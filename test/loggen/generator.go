package main

import (
	"bufio"
	"math/rand/v2"
	"net/netip"
	"time"
)

// generator interleaves actors' packets into one time-ordered log.
type generator struct {
	rng    *rand.Rand
	now    time.Time
	step   time.Duration
	boot   time.Time
	lines  int
	home   [256]netip.Addr // the protected /24
	home6  netip.Addr
	actors []weighted
	scans  []*scanner
	sweeps []*scanner
	buf    []byte
}

type weighted struct {
	weight int
	emit   func(g *generator) packet
}

func newGenerator(rng *rand.Rand, start time.Time, lines, perDay int) *generator {
	g := &generator{rng: rng, now: start, lines: lines, boot: start.Add(-72 * time.Hour),
		step: 24 * time.Hour / time.Duration(max(perDay, 1)), buf: make([]byte, 0, 512)}
	for i := range g.home {
		g.home[i] = netip.AddrFrom4([4]byte{203, 0, 113, byte(i)})
	}
	g.home6 = netip.MustParseAddr("2001:db8:2::5")
	g.actors = []weighted{
		{38, (*generator).noise},
		{10, nil}, // non-firewall syslog line
		{28, (*generator).scan},
		{7, (*generator).sweep},
		{4, (*generator).mirai},
		{5, (*generator).icmp},
		{6, (*generator).ipv6},
		{2, (*generator).stray},
	}
	return g
}

// scaleOneOff scales the weights of the actors whose every packet comes
// from a new address (noise, Mirai, pings, stray segments) by f; at 1 the log is unchanged.
func (g *generator) scaleOneOff(f float64) {
	if f == 1 {
		return
	}
	for i := range g.actors {
		g.actors[i].weight *= 100
	}
	for _, i := range []int{0, 4, 5, 7} { // noise, mirai, icmp, stray
		g.actors[i].weight = int(float64(g.actors[i].weight)*f + 0.5)
	}
}

func (g *generator) run(w *bufio.Writer) {
	total := 0
	for _, a := range g.actors {
		total += a.weight
	}
	for range g.lines {
		g.now = g.now.Add(g.step/2 + time.Duration(g.rng.Int64N(int64(g.step)+1)))
		pick := g.rng.IntN(total)
		for _, a := range g.actors {
			if pick -= a.weight; pick < 0 {
				if a.emit == nil {
					g.buf = g.appendSyslog(g.buf[:0])
				} else {
					p := a.emit(g)
					g.buf = g.appendPacket(g.buf[:0], &p)
				}
				break
			}
		}
		w.Write(g.buf)
	}
}

// randomAddr is an address that looks like the internet's (text only:
// nothing is ever sent to it).
func (g *generator) randomAddr() netip.Addr {
	for {
		a := g.rng.Uint32()
		b := [4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}
		if b[0] != 0 && b[0] != 10 && b[0] != 127 && b[0] < 224 && !(b[0] == 192 && b[1] == 168) && !(b[0] == 172 && b[1]&0xf0 == 16) {
			return netip.AddrFrom4(b)
		}
	}
}

func (g *generator) homeHost() netip.Addr { return g.home[1+g.rng.IntN(254)] }
