package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/etc/config"
)

// Shared blocks ([block] share = fleet): every block this host decides is
// written to the fleet's table, and every block of the table is applied
// here, through this host's own blocker and never-block guard.
//
// Local first: the blocker never waits for the database. Its records go
// through fleetRecords, which notes each change this host made; a worker
// writes them to the fleet when it can. News from the fleet comes by
// LISTEN; after every (re)connection, and every fleetResync, the worker
// reconciles the table with this host's blocks both ways, so a
// notification missed while disconnected is never a block missed, and a
// decision made here during an outage is shared when the database is back.
const (
	// fleetResync is how often the whole table is reconciled even without
	// news, and expired rows marked removed.
	fleetResync = time.Minute
	// fleetSlack: a block that lasts longer than another by less than
	// this lasts as long (applying a fleet block here takes a moment).
	fleetSlack = 2 * time.Second
)

// fleetOrigin marks a context whose block changes come from the fleet:
// they are applied here, never published again.
type fleetOrigin struct{}

func fromFleet(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, fleetOrigin{}, origin)
}

// fleetOriginOf is the host a change in ctx came from; ok false when it
// was decided here.
func fleetOriginOf(ctx context.Context) (origin string, ok bool) {
	origin, ok = ctx.Value(fleetOrigin{}).(string)
	return origin, ok
}

// fleetRecords is the blocker's records, telling the fleet worker (once
// there is one) about every change decided on this host.
type fleetRecords struct {
	block.Records
	worker atomic.Pointer[fleetBlocks]
}

func (r *fleetRecords) AddBlock(ctx context.Context, b alerts.Block) (int64, error) {
	_, applied := fleetOriginOf(ctx)
	id, err := r.Records.AddBlock(ctx, b)
	if w := r.worker.Load(); err == nil && w != nil && !applied {
		w.local(b.Prefix, localChange{add: true, block: b})
	}
	return id, err
}

func (r *fleetRecords) RemoveBlock(ctx context.Context, p netip.Prefix, why alerts.RemovedWhy, at time.Time) error {
	err := r.Records.RemoveBlock(ctx, p, why, at)
	if _, applied := fleetOriginOf(ctx); err == nil && !applied {
		if w := r.worker.Load(); w != nil {
			w.local(p, localChange{why: why, at: at})
		}
	}
	return err
}

// localChange is a change of a block decided on this host, not yet
// written to the fleet: a block (add, as recorded) or its end (why, at).
type localChange struct {
	add   bool
	block alerts.Block
	why   alerts.RemovedWhy
	at    time.Time
}

// fleetBlocks is the worker that shares this host's blocks with the fleet
// and applies the fleet's here.
type fleetBlocks struct {
	fleet *fleet.Fleet
	m     *blocking
	log   *slog.Logger
	wake  chan struct{}

	mu      sync.Mutex
	changes map[netip.Prefix]localChange // decided here, not yet in the table
	news    map[netip.Prefix]bool        // the fleet notified changes of these
	full    bool                         // reconcile everything

	applied atomic.Int64 // fleet blocks applied here
	refused atomic.Int64 // fleet blocks this host's guard refused

	originMu sync.Mutex
	origins  map[netip.Prefix]string // the blocks here the fleet shares, and the host that decided each
}

// setOrigin notes that the block of p here is the fleet's, decided on
// origin ("": it is not, or no longer).
func (w *fleetBlocks) setOrigin(p netip.Prefix, origin string) {
	w.originMu.Lock()
	defer w.originMu.Unlock()
	if origin == "" {
		delete(w.origins, p)
		return
	}
	w.origins[p] = origin
}

// origin is the host that decided the fleet's block of p.
func (w *fleetBlocks) origin(p netip.Prefix) (string, bool) {
	w.originMu.Lock()
	defer w.originMu.Unlock()
	o, ok := w.origins[p]
	return o, ok
}

// fleetBlockReason starts the reason of a block applied from the fleet.
const fleetBlockReason = "fleet: decided on "

// scoped says, in fleet mode, which of list the fleet shares (scope
// fleet, host: where it was decided) and which are this host's alone
// (scope host). Until the first reconcile after a start, the blocks
// applied from the fleet are known by their reason.
func (m *blocking) scoped(list []block.Active) []block.Active {
	w := m.shared.worker.Load()
	if w == nil {
		return list
	}
	for i := range list {
		b := &list[i].Block
		b.Scope = alerts.ScopeHost
		if o, ok := w.origin(b.Prefix); ok {
			b.Scope, b.Host = alerts.ScopeFleet, o
		} else if rest, ok := strings.CutPrefix(b.Reason, fleetBlockReason); ok {
			if o, _, ok := strings.Cut(rest, ": "); ok {
				b.Scope, b.Host = alerts.ScopeFleet, o
			}
		}
	}
	return list
}

// shareWith starts sharing the blocks with the fleet when [block] share
// says so and the daemon has a fleet; it runs with the module (run).
func (m *blocking) shareWith(f *fleet.Fleet) {
	if f == nil || m.settings.Share != config.ShareFleet {
		return
	}
	w := &fleetBlocks{fleet: f, m: m, log: m.log.With("part", "fleet blocks"), wake: make(chan struct{}, 1),
		changes: map[netip.Prefix]localChange{}, news: map[netip.Prefix]bool{}, full: true,
		origins: map[netip.Prefix]string{}}
	m.shared.worker.Store(w)
}

// local notes a change decided here.
func (w *fleetBlocks) local(p netip.Prefix, c localChange) {
	w.mu.Lock()
	w.changes[p] = c
	w.mu.Unlock()
	w.poke()
}

func (w *fleetBlocks) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// heard is the listener's news.
func (w *fleetBlocks) heard(n fleet.BlockNews) {
	w.mu.Lock()
	if n.Connected {
		w.full = true
	} else if f := strings.Fields(n.Payload); len(f) == 3 && f[2] != w.fleet.Host() {
		if p, err := netip.ParsePrefix(f[1]); err == nil {
			w.news[p] = true
		}
	}
	w.mu.Unlock()
	w.poke()
}

// run listens to the fleet and works until ctx ends.
func (w *fleetBlocks) run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return w.fleet.ListenBlocks(gctx, retryDown, w.heard) })
	g.Go(func() error { return w.work(gctx) })
	return g.Wait()
}

// work writes this host's changes and reconciles what the fleet said,
// when poked, every fleetResync, and every retryDown while the database
// cannot be reached.
func (w *fleetBlocks) work(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	down := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
			w.mu.Lock()
			w.full = true
			w.mu.Unlock()
		}
		err := w.once(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, alerts.ErrUnavailable):
			if !down {
				w.log.Warn("fleet database unreachable; blocks are shared when it is back", "err", err)
			}
			down = true
			t.Reset(retryDown)
			continue
		case err != nil:
			w.log.Error("fleet blocks", "err", err)
		case down:
			w.log.Info("fleet blocks shared again")
		}
		down = false
		t.Reset(fleetResync)
	}
}

// once does what is pending; what it could not do stays pending.
func (w *fleetBlocks) once(ctx context.Context) error {
	w.mu.Lock()
	changes, news, full := w.changes, w.news, w.full
	w.changes, w.news, w.full = map[netip.Prefix]localChange{}, map[netip.Prefix]bool{}, false
	w.mu.Unlock()
	err := w.push(ctx, changes)
	if err == nil {
		if full {
			err = w.reconcile(ctx, netip.Prefix{})
		} else {
			for p := range news {
				if err = w.reconcile(ctx, p); err != nil {
					break
				}
			}
		}
	}
	if err != nil {
		w.mu.Lock()
		for p, c := range changes {
			if _, newer := w.changes[p]; !newer {
				w.changes[p] = c
			}
		}
		w.full = true // whatever was news is read again from the table
		w.mu.Unlock()
	}
	return err
}
