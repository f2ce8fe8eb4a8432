package sources

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// flaky fails its first runs, then runs until cancelled.
type flaky struct {
	fails atomic.Int32
	runs  atomic.Int32
	stats Stats
}

func (f *flaky) Name() string  { return "flaky" }
func (f *flaky) Stats() *Stats { return &f.stats }
func (f *flaky) Run(ctx context.Context, out chan<- *Packet) error {
	if f.runs.Add(1) <= f.fails.Load() {
		return errors.New("boom")
	}
	<-ctx.Done()
	return nil
}

func TestSuperviseRestarts(t *testing.T) {
	f := &flaky{}
	f.fails.Store(2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Supervise(ctx, f, nil, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	deadline := time.Now().Add(time.Minute)
	for f.runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := f.stats.Snapshot()
	if f.runs.Load() != 3 || s.Restarts != 2 || s.LastError != "boom" {
		t.Errorf("runs %d, stats %+v", f.runs.Load(), s)
	}
}

// TestSuperviseRecordsOnce: the error a Source's Run returns is recorded
// by the supervisor, in the Source's Stats, with one restart per failure.
func TestSuperviseRecordsOnce(t *testing.T) {
	f := &flaky{}
	f.fails.Store(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Supervise(ctx, f, nil, slog.New(slog.DiscardHandler)) }()
	deadline := time.Now().Add(time.Minute)
	for f.runs.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if s := f.stats.Snapshot(); s.LastError != "boom" || s.Restarts != 1 {
		t.Errorf("stats %+v, want the error once and one restart", s)
	}
}
