package sources

import (
	"context"
	"log/slog"
	"time"
)

// Backoff bounds for restarting a failed collector.
const (
	backoffMin = 200 * time.Millisecond
	backoffMax = 30 * time.Second
	// healthyAfter is how long a collector must run before its backoff resets.
	healthyAfter = time.Minute
)

// Supervise runs src until ctx ends, restarting it with exponential
// backoff whenever Run returns early (with or without an error); it always
// returns nil. It is the one place a collector's failure is recorded:
// the error Run returned goes to Stats.SetError and counts a restart, so a
// Source reports a failure by returning it, never by setting it itself.
// One failing collector never stops the others.
func Supervise(ctx context.Context, src Source, out chan<- *Packet, log *slog.Logger) error {
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
