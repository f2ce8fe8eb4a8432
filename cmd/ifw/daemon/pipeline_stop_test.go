package daemon

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/ifw/ifw/signatures"
)

// TestBarrierWhilePipelineStops: a state save (its barrier) racing the
// daemon's shutdown, which closes the alert queue, never sends on the
// closed queue (a panic, and a race the detector reports).
func TestBarrierWhilePipelineStops(t *testing.T) {
	for range 300 {
		e, err := signatures.New(signatures.DefaultConfig(), nil)
		if err != nil {
			t.Fatal(err)
		}
		p := newPipeline(e, "test", slog.New(slog.DiscardHandler))
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(3)
		go func() { defer wg.Done(); p.run(ctx) }()
		go func() { // the store goroutine
			defer wg.Done()
			for pa := range p.pending {
				if pa.barrier != nil {
					close(pa.barrier)
				}
			}
		}()
		go func() { defer wg.Done(); p.barrier(ctx) }()
		cancel()
		wg.Wait()
	}
}
