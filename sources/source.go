package sources

import "context"

// Source is a collector of logged packets.
//
// Run sends packets to out until ctx is cancelled, then returns nil. It never
// closes out, sends only inside a select that also watches ctx.Done(), and has
// no retry loop of its own: Supervise restarts a failed Source with
// backoff and records the error Run returned in its Stats (a Source does
// not record its own failure: the error is recorded once). A Packet sent
// on out belongs to the receiver.
//
// Stats returns the collector's counters, which live as long as the Source
// (across restarts) and are safe to read while Run runs.
type Source interface {
	Name() string
	Run(ctx context.Context, out chan<- *Packet) error
	Stats() *Stats
}
