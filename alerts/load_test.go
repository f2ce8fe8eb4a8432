package alerts

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/test/pgtest"
)

// TestPostgresLoad is the fleet's load figure: WRITERS stores, each its
// own host as a daemon would be, write alerts at RATE alerts/s each for
// SECONDS into one PostgreSQL database (pgtest's server: unix socket,
// fsync off, so the figure is the store's and the server's work, not the
// disk's). It reports the write latency (p50, p99, max), the rate
// achieved, the database's growth per million alerts (pg_database_size)
// and the alerts lost, which must be none. Without IFW_LOAD it is a short
// run (3 writers × 200 alerts/s × 3 s) that checks nothing is lost; the
// issue's figure is `make bench-fleet`:
//
//	IFW_LOAD=3x1000x60 go test -count=1 -run TestPostgresLoad -v ./alerts/
func TestPostgresLoad(t *testing.T) {
	spec := os.Getenv("IFW_LOAD")
	if spec == "" {
		spec = "3x200x3"
	}
	var writers, rate, secs int
	if _, err := fmt.Sscanf(spec, "%dx%dx%d", &writers, &rate, &secs); err != nil || writers < 1 || rate < 1 || secs < 1 {
		t.Fatalf("IFW_LOAD=%q: want WRITERSxRATExSECONDS: %v", spec, err)
	}
	srv := pgtest.Start(t)
	r := loadRun(t, srv.NewDatabase(t), writers, rate, time.Duration(secs)*time.Second)
	t.Logf("%d writers × %d alerts/s × %d s: %d alerts written, %.0f alerts/s achieved", writers, rate, secs, r.written, r.achieved)
	t.Logf("write latency p50 %v, p99 %v, max %v", r.p50, r.p99, r.max)
	t.Logf("database grew %.1f MB: %.0f MB per million alerts (%.0f bytes each)",
		float64(r.grew)/1e6, float64(r.grew)/float64(r.stored)*1e6/1e6, float64(r.grew)/float64(r.stored))
	t.Logf("lost: %d (failed writes %d)", r.lost, r.failed)
	if r.lost != 0 || r.failed != 0 {
		t.Errorf("%d alerts lost, %d writes failed", r.lost, r.failed)
	}
}

// loadResult is what loadRun measured.
type loadResult struct {
	written, stored, lost, failed int
	achieved                      float64 // alerts/s over all writers
	p50, p99, max                 time.Duration
	grew                          int64 // bytes
}

// loadRun writes alerts from writers stores (hosts load-0…) into the
// database at url, each at rate alerts/s for d, on a fixed schedule (a
// writer that falls behind writes at once until it catches up), and
// measures.
func loadRun(t *testing.T, url string, writers, rate int, d time.Duration) loadResult {
	t.Helper()
	ctx := context.Background()
	stores := make([]*Store, writers)
	for i := range stores {
		stores[i] = openAt(t, Config{URL: url, Host: fmt.Sprintf("load-%d", i)})
	}
	size := func() int64 {
		var n int64
		if err := stores[0].r.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := size()
	base := sample(t, "198.51.100.7", t0)
	n := int(int64(rate) * int64(d) / int64(time.Second))
	interval := time.Second / time.Duration(rate)
	lats := make([][]time.Duration, writers)
	failed := make([]int, writers)
	var wg sync.WaitGroup
	start := time.Now()
	for w, s := range stores {
		wg.Go(func() {
			lat := make([]time.Duration, 0, n)
			for k := range n {
				if wait := time.Until(start.Add(time.Duration(k) * interval)); wait > 0 {
					time.Sleep(wait) // the schedule, not a wait for an event
				}
				a := base
				a.Host = s.cfg.Host
				a.Src = netip.AddrFrom4([4]byte{198, 51, 100, byte(k % 250)})
				a.Time = time.Now()
				began := time.Now()
				if _, err := s.AddAlert(ctx, &a); err != nil {
					failed[w]++
					if failed[w] == 1 {
						t.Errorf("writer %d: %v", w, err)
					}
				}
				lat = append(lat, time.Since(began))
			}
			lats[w] = lat
		})
	}
	wg.Wait()
	took := time.Since(start)
	var r loadResult
	all := slices.Concat(lats...)
	slices.Sort(all)
	r.written = len(all)
	r.achieved = float64(r.written) / took.Seconds()
	r.p50, r.p99, r.max = all[len(all)/2], all[min(len(all)-1, len(all)*99/100)], all[len(all)-1]
	for _, f := range failed {
		r.failed += f
	}
	if err := stores[0].r.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts`).Scan(&r.stored); err != nil {
		t.Fatal(err)
	}
	r.lost = r.written - r.stored
	if _, err := stores[0].w.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Logf("checkpoint: %v", err)
	}
	r.grew = size() - before
	return r
}
