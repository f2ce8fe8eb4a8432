package signatures

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// BenchmarkObserve runs the realistic mix of mix(): an nmap SYN scan, a
// FIN/Xmas scanner, 25% one-packet internet noise from random sources, a
// sweep across a /22, an IPv6 scanner, stray ACKs and UDP, through one
// reused Packet, with time moving forward.
func BenchmarkObserve(b *testing.B) {
	pkts := mix(1<<16, 7)
	span := pkts[len(pkts)-1].Time.Sub(t0) + time.Second
	e := newEngine(b, func(c *Config) { c.MaxSources = 10000 })
	var buf sources.Packet
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		buf = *pkts[i%len(pkts)]
		buf.Time = buf.Time.Add(time.Duration(i/len(pkts)) * span)
		e.Observe(&buf)
	}
}

// BenchmarkObserveTracked is the steady state of an already tracked
// scanner.
func BenchmarkObserveTracked(b *testing.B) {
	pkts := synScan(attacker, victim, 1, 4096)
	e := newEngine(b)
	feed(e, pkts)
	var buf sources.Packet
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		buf = *pkts[i%len(pkts)]
		e.Observe(&buf)
	}
}
