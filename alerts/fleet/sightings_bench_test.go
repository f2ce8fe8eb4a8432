package fleet

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/test/pgtest"
)

// BenchmarkSight: one report of MaxBatch sources (8 ports each) by one of
// three hosts that saw them all, on a throwaway local PostgreSQL: the cost
// of one second of a busy daemon's fleet-wide scan detection.
func BenchmarkSight(b *testing.B) {
	srv := pgtest.Start(b)
	url := srv.NewDatabase(b)
	ctx := context.Background()
	hosts := []*Fleet{}
	for _, h := range []string{"a", "b", "c"} {
		f, err := Open(Config{URL: url, Host: h}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(f.Close)
		hosts = append(hosts, f)
	}
	batch := make([]Sighting, MaxBatch)
	for i := range batch {
		batch[i] = Sighting{Src: netip.AddrFrom4([4]byte{198, 51, byte(100 + i/256), byte(i)}), Packets: 3,
			Ports: []uint16{21, 22, 23, 25, 80, 443, 8080, uint16(1000 + i)}}
	}
	stamp := func() {
		now := time.Now()
		for i := range batch {
			batch[i].FirstSeen, batch[i].LastSeen = now, now
		}
	}
	stamp()
	for _, f := range hosts {
		if _, err := f.Sight(ctx, time.Hour, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		stamp()
		sp, err := hosts[i%3].Sight(ctx, time.Hour, batch)
		if err != nil || len(sp) != MaxBatch || sp[0].HostCount != 3 {
			b.Fatal(fmt.Sprint(len(sp)), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/MaxBatch, "µs/source")
}
