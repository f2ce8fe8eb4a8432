package alerts

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// BenchmarkAddAlert stores alerts one at a time, each committed before the
// next (what the daemon does), and reports the latency percentiles.
func BenchmarkAddAlert(b *testing.B) {
	for _, full := range []bool{false, true} {
		name := map[bool]string{false: "sync=normal", true: "sync=full"}[full]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s := openAt(b, Config{Path: tempPath(b), FullSync: full})
			a := sample(b, "198.51.100.7", t0)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				c := a
				c.Time = t0.Add(time.Duration(i) * time.Millisecond)
				start := time.Now()
				if _, err := s.AddAlert(ctx, &c); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds())
	}
	b.ReportMetric(at(0.5), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}

// prefilled is a store of n alerts over 30 days from n/20 sources.
func prefilled(b *testing.B, n int) *Store {
	ctx := context.Background()
	s := openAt(b, Config{Path: tempPath(b)})
	a := sample(b, "198.51.100.7", t0)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st := tx.Stmt(s.stmts.alert)
	step := 30 * 24 * time.Hour / time.Duration(n)
	for i := range n {
		c := a
		c.Time, c.Level = t0.Add(time.Duration(i)*step), 1+i%5
		c.Src = netip.AddrFrom4([4]byte{198, 51, byte(i % (n / 20) >> 8), byte(i % (n / 20))})
		cols, err := alertColumns(&c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Exec(cols...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkQuery100k runs the status and report queries over 100 000
// alerts.
func BenchmarkQuery100k(b *testing.B) {
	const n = 100000
	s := prefilled(b, n)
	ctx := context.Background()
	end := t0.Add(30 * 24 * time.Hour)
	one := netip.AddrFrom4([4]byte{198, 51, 0, 77})
	queries := []struct {
		name string
		run  func() (int, error)
	}{
		{"newest-100", func() (int, error) { as, err := s.Alerts(ctx, Query{Limit: 100}); return len(as), err }},
		{"last-day-level4+", func() (int, error) {
			as, err := s.Alerts(ctx, Query{Since: end.Add(-24 * time.Hour), MinLevel: 4})
			return len(as), err
		}},
		{"one-source", func() (int, error) { as, err := s.Alerts(ctx, Query{Src: one}); return len(as), err }},
		{"latest-of-source", func() (int, error) { _, ok, err := s.Latest(ctx, one); return map[bool]int{true: 1}[ok], err }},
		{"counts-last-day", func() (int, error) { c, err := s.Counts(ctx, end.Add(-24*time.Hour)); return c.Total, err }},
		{"counts-all", func() (int, error) { c, err := s.Counts(ctx, time.Time{}); return c.Total, err }},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var rows int
			for range b.N {
				var err error
				if rows, err = q.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchmarkPutState8MB saves an engine state of 100 000 sources' size.
func BenchmarkPutState8MB(b *testing.B) {
	s := openAt(b, Config{Path: tempPath(b)})
	blob := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16)
	b.SetBytes(int64(len(blob)))
	for range b.N {
		if err := s.PutState(context.Background(), "engine", blob); err != nil {
			b.Fatal(err)
		}
	}
}
