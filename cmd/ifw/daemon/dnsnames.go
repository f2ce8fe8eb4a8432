package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ifw/ifw/sources/dnsnames"
)

// dnsWatch learns the names of destinations from the DNS traffic ifw
// setup logs to [verdict] dns_group, for the outbound module.
type dnsWatch struct {
	learner *dnsnames.Learner
	watcher *dnsnames.Watcher
	log     *slog.Logger
}

// newDNSWatch returns nil when cfg names no group; resolvers are the
// users whose queries teach names for everyone (nil: the defaults).
func newDNSWatch(cfg dnsnames.Config, resolvers []string, log *slog.Logger) (*dnsWatch, error) {
	if cfg.Group == 0 {
		return nil, nil
	}
	uids, err := dnsResolverUIDs(resolvers)
	if err != nil {
		return nil, err
	}
	cfg.Resolvers = uids
	l, err := dnsnames.NewLearner(cfg)
	if err != nil {
		return nil, fmt.Errorf("dns names: %w", err)
	}
	w, err := dnsnames.NewWatcher(l, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("dns names: %w", err)
	}
	return &dnsWatch{learner: l, watcher: w, log: log}, nil
}

// run watches until ctx ends, reading the group again with backoff when
// it fails: the outbound module goes on without new names meanwhile.
func (d *dnsWatch) run(ctx context.Context) error {
	wait := queueRetryFirst
	for {
		started := time.Now()
		err := d.watcher.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > queueRetryLatest {
			wait = queueRetryFirst
		}
		d.log.Error("dns names: watcher stopped; starting it again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, queueRetryLatest)
	}
}
