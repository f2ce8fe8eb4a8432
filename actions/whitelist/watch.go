package whitelist

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/etc"
)

// Watch defaults.
const (
	// DefaultDebounce is how long a Watcher gathers changes before it
	// loads the never-block list again: `ip addr add` with routes, DHCP or
	// a VPN coming up is a burst of notifications, loaded once.
	DefaultDebounce = 300 * time.Millisecond
	// DefaultRetryMin and DefaultRetryMax bound the wait before a failed
	// subscription is made again, or a failed load tried again; the wait
	// doubles at each failure in a row.
	DefaultRetryMin = time.Second
	DefaultRetryMax = time.Minute
)

// WatchConfig configures a Watcher.
type WatchConfig struct {
	// NetNS is the network namespace whose addresses and routes are
	// watched, as a path such as /var/run/netns/NAME; empty means the
	// daemon's own. It must be the one the guard's facts are read in.
	NetNS string
	// Debounce: 0 means DefaultDebounce.
	Debounce time.Duration
	// RetryMin, RetryMax: 0 means the defaults.
	RetryMin, RetryMax time.Duration
}

// Validate checks the configuration without touching the system.
func (c WatchConfig) Validate() error {
	if c.NetNS != "" && !filepath.IsAbs(c.NetNS) {
		return etc.Invalid(ErrConfig, "netns", "netns %q is not an absolute path", c.NetNS)
	}
	if c.Debounce < 0 || c.Debounce > time.Minute {
		return etc.Invalid(ErrConfig, "debounce", "debounce %s is not between 0 and 1m", c.Debounce)
	}
	if c.RetryMin < 0 || c.RetryMax < 0 || c.RetryMax != 0 && c.RetryMin > c.RetryMax {
		return etc.Invalid(ErrConfig, "retry", "retry from %s to %s", c.RetryMin, c.RetryMax)
	}
	return nil
}

func (c WatchConfig) withDefaults() WatchConfig {
	if c.Debounce == 0 {
		c.Debounce = DefaultDebounce
	}
	if c.RetryMin == 0 {
		c.RetryMin = DefaultRetryMin
	}
	if c.RetryMax == 0 {
		c.RetryMax = DefaultRetryMax
	}
	c.RetryMax = max(c.RetryMax, c.RetryMin)
	return c
}

// Subscribe is the kernel boundary of a Watcher: it subscribes to the
// changes of addresses, routes and links, first listing what exists (so
// that nothing changed since the last load is missed), calls changed for
// every notification, and returns when ctx ends (nil) or the subscription
// fails (its error). NetlinkSubscribe is the real one; tests fake it.
type Subscribe func(ctx context.Context, changed func()) error

// WatchStats counts what a Watcher did since it started.
type WatchStats struct {
	Refreshes int64 `json:"refreshes"` // loads after a change
	// RefreshErrors counts loads that failed (the previous list stayed;
	// tried again after a wait).
	RefreshErrors int64 `json:"refresh_errors"`
	// SubscribeErrors counts netlink subscriptions that failed or broke
	// (made again after a wait).
	SubscribeErrors int64 `json:"subscribe_errors"`
	// ResolvConfErrors counts failures to watch resolv.conf (its changes
	// are then seen only at the next refresh).
	ResolvConfErrors int64 `json:"resolv_conf_errors"`
}

// Watcher keeps a Guard's never-block list current: it loads it again
// when the host's addresses, routes or links change (netlink) or when a
// resolv.conf file changes, a burst of changes loading once, and then
// calls OnLoad (the daemon lifts the blocks the new list covers).
type Watcher struct {
	cfg    WatchConfig
	guard  *Guard
	onLoad func(context.Context)
	log    *slog.Logger
	sub    Subscribe
	after  func(time.Duration) <-chan time.Time

	refreshes, refreshErrs, subErrs, resolvErrs atomic.Int64
}

// WatchOption changes how a Watcher reaches the system (tests).
type WatchOption func(*Watcher)

// WithSubscribe replaces NetlinkSubscribe(cfg.NetNS).
func WithSubscribe(s Subscribe) WatchOption { return func(w *Watcher) { w.sub = s } }

// NewWatcher makes a Watcher of g; onLoad (may be nil) runs after each
// load the Watcher made. Nothing happens before Run.
func NewWatcher(cfg WatchConfig, g *Guard, onLoad func(context.Context), log *slog.Logger, opts ...WatchOption) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if g == nil {
		return nil, etc.Invalid(ErrConfig, "guard", "a watcher needs a guard")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onLoad == nil {
		onLoad = func(context.Context) {}
	}
	cfg = cfg.withDefaults()
	w := &Watcher{cfg: cfg, guard: g, onLoad: onLoad, log: log, sub: NetlinkSubscribe(cfg.NetNS), after: time.After}
	for _, o := range opts {
		o(w)
	}
	return w, nil
}

// Stats is what the Watcher did since it started.
func (w *Watcher) Stats() WatchStats {
	return WatchStats{Refreshes: w.refreshes.Load(), RefreshErrors: w.refreshErrs.Load(),
		SubscribeErrors: w.subErrs.Load(), ResolvConfErrors: w.resolvErrs.Load()}
}

// Run watches until ctx ends, then returns nil once every goroutine it
// started has stopped.
func (w *Watcher) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kick := make(chan struct{})
	changed := func() {
		select {
		case kick <- struct{}{}:
		case <-ctx.Done():
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { w.subscribe(ctx, changed) })
	wg.Go(func() { w.watchResolvConf(ctx, changed) })
	defer wg.Wait()
	w.refreshLoop(ctx, kick)
	return nil
}

// refreshLoop loads the list DefaultDebounce after the first change of a
// burst, every change until then included; a failed load is tried again
// after a growing wait (or at the next change, whichever comes later).
func (w *Watcher) refreshLoop(ctx context.Context, kick <-chan struct{}) {
	var fire <-chan time.Time // nil: nothing pending
	retry := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
			if fire == nil {
				fire = w.after(w.cfg.Debounce)
			}
		case <-fire:
			fire = nil
			if err := w.refresh(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				retry = w.backoff(retry)
				w.log.Error("never-block list not reloaded after a network change; the previous one stays",
					"err", err, "retry_in", retry)
				fire = w.after(retry)
				continue
			}
			retry = 0
		}
	}
}

// refresh loads the guard and runs onLoad.
func (w *Watcher) refresh(ctx context.Context) error {
	if err := w.guard.Load(ctx); err != nil {
		w.refreshErrs.Add(1)
		return err
	}
	w.refreshes.Add(1)
	w.onLoad(ctx)
	return nil
}

// subscribe keeps a subscription in place until ctx ends: one that fails
// is counted, logged and made again after a growing wait, reset when a
// subscription lasted RetryMax.
func (w *Watcher) subscribe(ctx context.Context, changed func()) {
	wait := time.Duration(0)
	for {
		start := time.Now()
		err := w.sub(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("subscription ended")
		}
		if time.Since(start) >= w.cfg.RetryMax {
			wait = 0
		}
		wait = w.backoff(wait)
		w.subErrs.Add(1)
		w.log.Error("watching the host's addresses and routes failed; subscribing again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-w.after(wait):
		}
	}
}

// backoff is the wait after prev: RetryMin first, then doubled up to
// RetryMax.
func (w *Watcher) backoff(prev time.Duration) time.Duration {
	if prev <= 0 {
		return w.cfg.RetryMin
	}
	return min(2*prev, w.cfg.RetryMax)
}
