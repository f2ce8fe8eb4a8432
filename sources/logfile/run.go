package logfile

import (
	"context"
	"log/slog"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// clockStep is how far a file's modification time may pass the parser's
// reference before the parser is renewed (year-less stamps are dated
// against it).
const clockStep = time.Hour

// run is the state of one Run: the file being read, the files queued after
// it, and the wake-up sources. It is used by one goroutine only.
type run struct {
	s       *Source
	cfg     Config
	log     *slog.Logger
	out     chan<- *sources.Packet
	parser  *logline.Parser
	ref     time.Time // the parser's reference time
	buf     []byte
	scratch [tailLen]byte
	cur     *tracked   // nil while the file is missing
	queue   []*tracked // files found at the path after cur, oldest first
	waiting bool       // the file is missing and reported so
	watch   *watcher
	tick    *time.Ticker
}

func newRun(s *Source, out chan<- *sources.Packet) *run {
	return &run{s: s, cfg: s.cfg, log: s.log, out: out, buf: make([]byte, readSize)}
}

// loop follows the file until ctx ends or a read fails.
func (r *run) loop(ctx context.Context) error {
	r.watch = newWatcher(r.cfg, r.log)
	r.tick = time.NewTicker(r.cfg.Poll)
	if err := r.begin(); err != nil {
		return err
	}
	for {
		again, err := r.step(ctx)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if !again && !r.wait(ctx) {
			return nil
		}
	}
}

// step looks for truncation (before reading: a file truncated and refilled
// past the offset must not be read from there), reads what is new, then
// looks for rotation. It reports whether another step should follow at once.
func (r *run) step(ctx context.Context) (bool, error) {
	if r.cur == nil {
		if ok, err := r.openNew(); !ok || err != nil {
			return false, err
		}
	}
	if cut, err := r.checkTruncated(); cut || err != nil {
		return cut, err
	}
	more, err := r.drain(ctx, r.cur)
	if more || err != nil {
		return more, err
	}
	present, err := r.checkPath()
	if err != nil {
		return false, err
	}
	return r.maybeMoveOn(ctx, present)
}

// wait blocks until a relevant file event, the poll tick, or ctx's end; it
// reports false for the end.
func (r *run) wait(ctx context.Context) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-r.tick.C:
			return true
		case ev, ok := <-r.watch.events():
			if !ok {
				r.watch.lost(r.log)
				continue
			}
			if r.watch.relevant(ev) || len(r.queue) > 0 {
				r.watch.skipPending()
				return true
			}
		case err, ok := <-r.watch.errors():
			if !ok {
				r.watch.lost(r.log)
				continue
			}
			r.log.Debug("inotify", "err", err)
			return true
		}
	}
}

// setClock renews the parser with a new reference time.
func (r *run) setClock(ref time.Time) {
	if ref.IsZero() {
		ref = time.Now()
	}
	r.ref = ref
	r.parser = logline.New(logline.Options{
		Reference: ref, Location: r.cfg.Location, Source: r.cfg.Name, Trusted: false,
	})
}

// advanceClock renews the parser when the file's time has moved on.
func (r *run) advanceClock(mtime time.Time) {
	if mtime.Sub(r.ref) > clockStep {
		r.setClock(mtime)
	}
}

func (r *run) close() {
	if r.cur != nil {
		r.cur.close()
	}
	for _, t := range r.queue {
		t.close()
	}
	if r.tick != nil {
		r.tick.Stop()
	}
	r.watch.close()
}
