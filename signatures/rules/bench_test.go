package rules

import (
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

type namedPacket struct {
	name string
	p    *sources.Packet
}

// benchPackets is typical traffic at a firewall's LOG rule.
func benchPackets() []namedPacket {
	return []namedPacket{
		{"syn443", withTCPOpts(syn(443), 2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7)},
		{"syn23", withSeq(syn(23), 77)},
		{"ack", tcp(ack, 51234)},
		{"udp53", udp(53)},
		{"ping", icmp(8, 0)},
		{"ping6", icmp6(128, 0)},
		{"fragment", frag(sources.ProtoUDP, 185, 1500)},
	}
}

func BenchmarkMatch(b *testing.B) {
	s := loadDefault(b)
	n := 0
	fn := func(*Rule) { n++ }
	for _, bp := range benchPackets() {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				s.Match(bp.p, fn)
			}
			reportCPU(b, start)
		})
	}
	pkts := benchPackets()
	b.Run("mix", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		start := cpuTime()
		for b.Loop() {
			s.Match(pkts[i%len(pkts)].p, fn)
			i++
		}
		reportCPU(b, start)
	})
}

func BenchmarkParseDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadDefault(b)
	}
}

// cpuTime is the process's user+system CPU time. On a shared, loaded
// machine wall-clock ns/op mostly measures waiting for a CPU; cpu-ns/op
// does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}
