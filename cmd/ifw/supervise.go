package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/ifw/ifw/sources"
)

// Backoff bounds for restarting a failed collector.
const (
	backoffMin = 200 * time.Millisecond
	backoffMax = 30 * time.Second
	// healthyAfter is how long a collector must run before its backoff resets.
	healthyAfter = time.Minute
)

// supervise runs src until ctx ends, restarting it with exponential backoff
// whenever Run returns early (with or without an error). One failing
// collector never stops the others.
func supervise(ctx context.Context, src sources.Source, out chan<- *sources.Packet, log *slog.Logger) error {
	log = log.With("collector", src.Name())
	wait := backoffMin
	for {
		started := time.Now()
		err := src.Run(ctx, out)
		if ctx.Err() != nil {
			return nil
		}
		src.Stats().SetError(err)
		src.Stats().Restarts.Add(1)
		if time.Since(started) > healthyAfter {
			wait = backoffMin
		}
		log.Warn("collector stopped; restarting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, backoffMax)
	}
}
