package daemon

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/spool"
	"github.com/ifw/ifw/test/pgtest"
)

// BenchmarkSpoolOutage: alerts written during an outage (each an fsync'd
// append to the spool), then delivered in order to a real PostgreSQL
// (unix socket) once it is back. Reports both rates.
func BenchmarkSpoolOutage(b *testing.B) {
	srv := pgtest.Start(b)
	url := srv.NewDatabase(b)
	ctx := context.Background()
	store, err := alerts.Open(ctx, alerts.Config{URL: url, Host: "bench"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	sp, err := spool.New(spool.Config{Dir: filepath.Join(b.TempDir(), "spool"), SyncEvery: spoolSyncEvery}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	s := newSpooler(store, sp, slog.New(slog.DiscardHandler))
	s.noteDown(errFakeDown)
	start := time.Now()
	for b.Loop() {
		if _, err := s.AddAlert(ctx, testAlert("level")); err != nil {
			b.Fatal(err)
		}
	}
	spooled := time.Since(start)
	n := sp.Len()
	start = time.Now()
	s.drain(ctx)
	delivered := time.Since(start)
	if sp.Len() != 0 {
		b.Fatalf("%d left in the spool", sp.Len())
	}
	b.ReportMetric(float64(n)/spooled.Seconds(), "spooled/s")
	b.ReportMetric(float64(n)/delivered.Seconds(), "delivered/s")
}
