package block

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/testenv"
)

// The benchmarks need root, like the system tests: each runs in a
// namespace of its own.

func addr4(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32)
}

// BenchmarkAdd: one entry into a block set with a timeout (netlink Handle).
func BenchmarkAdd(b *testing.B) {
	path := testenv.NewNetNS(b, "blk").Path()
	s := openSetsIn(b, SetsConfig{}, path)
	b.ResetTimer()
	for i := range b.N {
		if err := s.Add(addr4(i%DefaultMaxElem), time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlock: the whole Block (guard, repeat count, record in SQLite,
// kernel add), with latency percentiles.
func BenchmarkBlock(b *testing.B) {
	path := testenv.NewNetNS(b, "blk").Path()
	r := newRealRig(b, path, dbIn(b), Config{})
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, err := r.b.Block(ctx, Request{Prefix: addr4(i % DefaultMaxElem), Level: 5, Source: alerts.BlockAuto, Trusted: true}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
}

// BenchmarkBulk100k: 100,000 IPv4 entries into a bulk set, with ipset's
// batch protocol (what ReplaceBulk does: temporary set, fill, swap) and,
// for comparison, one acknowledged netlink add per entry.
func BenchmarkBulk100k(b *testing.B) {
	list := make([]netip.Prefix, 100000)
	for i := range list {
		list[i] = addr4(i)
	}
	b.Run("batch-swap", func(b *testing.B) {
		path := testenv.NewNetNS(b, "blk").Path()
		s := openSetsIn(b, SetsConfig{}, path)
		b.ResetTimer()
		for range b.N {
			if err := s.ReplaceBulk(context.Background(), list, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("netlink-loop", func(b *testing.B) {
		path := testenv.NewNetNS(b, "blk").Path()
		s := openSetsIn(b, SetsConfig{}, path)
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			if err := s.h.IpsetFlush(DefaultBulk4); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for _, p := range list {
				if err := s.h.IpsetAdd(DefaultBulk4, netEntry(p, nil, true)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkList: a dump of 10,000 block entries (what Sync reads).
func BenchmarkList(b *testing.B) {
	path := testenv.NewNetNS(b, "blk").Path()
	s := openSetsIn(b, SetsConfig{}, path)
	for i := range 10000 {
		if err := s.Add(addr4(i), time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if l, err := s.List(); err != nil || len(l) != 10000 {
			b.Fatal(len(l), err)
		}
	}
}
