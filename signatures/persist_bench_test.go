package signatures

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// bigEngine tracks n sources within one scan window: most send a few SYNs
// to one or two hosts (internet noise); one in 100 scans 300 ports of a
// host (a port bitmap); one in 1000 sweeps 40 hosts.
func bigEngine(b testing.TB, n int) *Engine {
	e := newEngine(b, func(c *Config) { c.MaxSources = n })
	var p sources.Packet
	r := uint32(12345)
	next := func() uint32 { r ^= r << 13; r ^= r >> 17; r ^= r << 5; return r }
	tick := time.Duration(0)
	send := func(src netip.Addr, dst netip.Addr, port uint16) {
		tick += 100 * time.Microsecond
		p = *syn(attacker, victim, port)
		p.Src, p.Dst, p.Time, p.Trusted = src, dst, t0.Add(tick), true
		e.Count(&p)
	}
	for i := range n {
		src := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		dst := netip.AddrFrom4([4]byte{203, 0, 113, byte(next())})
		switch {
		case i%1000 == 999:
			for h := range 40 {
				send(src, netip.AddrFrom4([4]byte{203, 0, 112, byte(h)}), 445)
			}
		case i%100 == 99:
			for port := range 300 {
				send(src, dst, uint16(port+1))
			}
		default:
			for range 1 + next()%3 {
				send(src, dst, []uint16{22, 23, 80, 443, 3389}[next()%5])
			}
			if next()%4 == 0 {
				send(src, netip.AddrFrom4([4]byte{203, 0, 113, byte(next())}), 22)
			}
		}
	}
	if st := e.Stats(); st.Sources != n {
		b.Fatalf("tracking %d sources, want %d", st.Sources, n)
	}
	return e
}

// BenchmarkMarshalState100k saves 100 000 tracked sources.
func BenchmarkMarshalState100k(b *testing.B) {
	e := bigEngine(b, 100000)
	var size int
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		blob, err := e.MarshalState()
		if err != nil {
			b.Fatal(err)
		}
		size = len(blob)
	}
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(e.Stats().PortBitmaps), "bitmaps")
}

// BenchmarkRestoreState100k restores 100 000 sources into a new engine.
func BenchmarkRestoreState100k(b *testing.B) {
	src := bigEngine(b, 100000)
	blob, err := src.MarshalState()
	if err != nil {
		b.Fatal(err)
	}
	cfg := src.Config()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e, err := New(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.RestoreState(blob); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(blob)), "bytes")
}
