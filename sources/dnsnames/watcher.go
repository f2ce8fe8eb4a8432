package dnsnames

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ifw/ifw/sources/nflog"
)

// expireEvery is how often the Watcher drops overdue queries and expired
// names.
const expireEvery = 30 * time.Second

// Watcher reads the DNS traffic ifw setup logs to Config.Group and feeds
// it to a Learner.
type Watcher struct {
	learner *Learner
	tap     *nflog.Tap
	now     func() time.Time
}

// NewWatcher returns a Watcher feeding l from cfg's NFLOG group (in
// cfg.NetNS); it touches nothing until Run. log may be nil.
func NewWatcher(l *Learner, cfg Config, log *slog.Logger) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tap, err := nflog.NewTap(nflog.Config{Group: cfg.Group, Name: "dns", NetNS: cfg.NetNS,
		CopyRange: DefaultCopyRange}, log)
	if err != nil {
		return nil, err
	}
	return &Watcher{learner: l, tap: tap, now: time.Now}, nil
}

// Run watches until ctx ends (then returns nil) or the group fails.
func (w *Watcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() {
		tick := time.NewTicker(expireEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				w.learner.Expire(w.now())
			}
		}
	})
	return w.tap.Run(ctx, func(r nflog.Raw) {
		if !r.HasHook {
			w.learner.stats.Skipped.Add(1)
			return
		}
		uid := NoUID
		if r.HasUID {
			uid = r.UID
		}
		w.learner.Observe(Hook(r.Hook), uid, r.Payload, w.now())
	})
}
