package logfile

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// BenchmarkFollow reads b.N firewall lines from a file and reports lines/s
// from Run's start to the last packet taken.
func BenchmarkFollow(b *testing.B) {
	path := b.TempDir() + "/fw.log"
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 10_000
	for i := 0; i < b.N; i += batch {
		if _, err := f.WriteString(lines(i, min(i+batch, b.N))); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	src, err := New(Config{Path: path, FromStart: true}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan *sources.Packet, 1024)
	done := make(chan error, 1)
	b.ResetTimer()
	start := time.Now()
	go func() { done <- src.Run(ctx, out) }()
	for range b.N {
		<-out
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "lines/s")
}
