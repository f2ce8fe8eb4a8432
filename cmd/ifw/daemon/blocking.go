package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc/config"
)

// blocking is the daemon's blocking module: the never-block guard, the
// kernel sets and the policy over them.
type blocking struct {
	guard    *whitelist.Guard
	watch    *whitelist.Watcher // loads the guard again when the network changes
	sets     Sets
	blocker  *block.Blocker
	settings config.Block
	store    *alerts.Store
	outcomes alerts.Recorder // the store, or the outage spool in front of it
	log      *slog.Logger
	shared   *fleetRecords // the blocker's records; shares them with the fleet ([block] share, fleetblocks.go)

	liftMu sync.Mutex   // one liftCovered at a time
	lifted atomic.Int64 // blocks lifted because the never-block list came to cover them
	counts *blockCounts

	bulkMu sync.Mutex
	bulk   control.BulkStatus // the bulk lists' last load

	// The automatic-blocking switch (autoswitch.go): its file, and when
	// and by whom it was set.
	autoPath string
	autoMu   sync.Mutex
	autoInfo control.AutoBlock
}

// newBlocking loads the whitelist, makes sure the sets exist, and restores
// the blocks still due. The guard is loaded first: one that is not loaded
// refuses everything.
func newBlocking(ctx context.Context, cfg *config.Config, store *alerts.Store, w *spooler, feed *control.Feed, open SetsOpener, log *slog.Logger) (*blocking, error) {
	log = log.With("module", "block")
	guard, err := whitelist.New(whitelist.Config{File: cfg.Block.Whitelist, HomeNet: cfg.Detect.Engine.HomeNet}, log)
	if err != nil {
		return nil, err
	}
	if err := guard.Load(ctx); err != nil {
		return nil, fmt.Errorf("whitelist: %w", err)
	}
	if open == nil {
		open = openIPSets
	}
	sets, err := open(cfg.Block.Sets, log)
	if err != nil {
		return nil, err
	}
	m := &blocking{guard: guard, sets: sets, settings: cfg.Block, store: store, outcomes: store, log: log, counts: newBlockCounts(),
		autoPath: autoStatePath(cfg.Daemon.Database)}
	if w != nil {
		m.outcomes = w
	}
	if err := sets.Ensure(ctx); err != nil {
		m.close()
		return nil, err
	}
	m.shared = &fleetRecords{Records: recordsOf(store, w, feed)}
	if m.blocker, err = block.New(cfg.Block.Policy, sets, m.shared, guard, log); err != nil {
		m.close()
		return nil, err
	}
	m.initAuto()
	if m.watch, err = whitelist.NewWatcher(whitelist.WatchConfig{}, guard, m.afterWatchLoad, log); err != nil {
		m.close()
		return nil, err
	}
	b := m.blocker
	if st, err := b.Restore(ctx); err != nil {
		log.Error("blocks not restored", "err", err)
	} else {
		log.Info("blocks restored", "stats", st)
	}
	m.ReloadBulk(ctx)
	return m, nil
}

// ReloadBulk (re)loads the bulk drop lists, if any are configured.
func (m *blocking) ReloadBulk(ctx context.Context) (block.BulkStats, error) {
	if len(m.settings.Bulk) == 0 {
		return block.BulkStats{}, nil
	}
	st, err := m.blocker.LoadBulk(ctx, m.settings.Bulk, m.settings.Widen4, m.settings.Widen6)
	m.noteBulk(st, err)
	if err != nil {
		m.log.Error("bulk lists not loaded; the previous ones stay", "err", err)
		return st, err
	}
	m.log.Info("bulk lists loaded", "stats", st)
	return st, nil
}

// noteBulk keeps what the last load of the bulk lists did, for the
// status: a failed load keeps the previous lists (and their counts).
func (m *blocking) noteBulk(st block.BulkStats, err error) {
	m.bulkMu.Lock()
	defer m.bulkMu.Unlock()
	m.bulk.Files = m.settings.Bulk
	m.bulk.Tried = time.Now()
	if err != nil {
		m.bulk.Error = err.Error()
		return
	}
	m.bulk.Error, m.bulk.Loaded, m.bulk.Stats = "", m.bulk.Tried, st
}

// bulkStatus is the bulk lists' part of the status, nil without lists.
func (m *blocking) bulkStatus() *control.BulkStatus {
	if len(m.settings.Bulk) == 0 {
		return nil
	}
	m.bulkMu.Lock()
	defer m.bulkMu.Unlock()
	b := m.bulk
	return &b
}

// run keeps the kernel and the store in agreement and the never-block
// list current until ctx ends.
func (m *blocking) run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return m.blocker.Run(gctx) })
	g.Go(func() error { return m.watch.Run(gctx) })
	if w := m.shared.worker.Load(); w != nil {
		g.Go(func() error { return w.run(gctx) })
	}
	return g.Wait()
}

// reload re-reads the whitelist (host names resolved again) and the bulk
// lists, for SIGHUP, and lifts the blocks the list now covers.
func (m *blocking) reload(ctx context.Context) error {
	if err := m.guard.Load(ctx); err != nil {
		return fmt.Errorf("whitelist: %w", err)
	}
	_, lerr := m.liftCovered(ctx, "reload")
	_, err := m.ReloadBulk(ctx)
	return errors.Join(lerr, err)
}

// afterWatchLoad lifts the blocks the never-block list covers once the
// Watcher loaded it after a network change.
func (m *blocking) afterWatchLoad(ctx context.Context) {
	if _, err := m.liftCovered(ctx, "network change"); err != nil {
		m.log.Error("blocks the never-block list now covers are still in place", "err", err)
	}
}

// liftCovered lifts every active block the never-block list now refuses,
// whatever evidence made it: an address that became the host's own or its
// gateway (the daemon started before the network was up), a whitelisted
// one. after says what changed the list, for the log.
func (m *blocking) liftCovered(ctx context.Context, after string) ([]netip.Prefix, error) {
	m.liftMu.Lock()
	defer m.liftMu.Unlock()
	recs, err := m.shared.ActiveBlocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the active blocks: %w", err)
	}
	lifted := []netip.Prefix{}
	var errs []error
	for _, rec := range recs {
		why := m.guard.Check(rec.Prefix, true)
		var re *whitelist.RefusedError
		if why == nil || errors.As(why, &re) && (re.Why == whitelist.ReasonNotLoaded || re.Why == whitelist.ReasonInvalid) {
			continue
		}
		err := m.blocker.Unblock(ctx, rec.Prefix)
		if err != nil && !errors.Is(err, block.ErrNotBlocked) {
			errs = append(errs, err)
			continue
		}
		lifted = append(lifted, rec.Prefix)
		if err == nil {
			m.lifted.Add(1)
		}
		m.log.Warn("block lifted: the never-block list now covers it", "prefix", rec.Prefix, "after", after, "why", why)
	}
	return lifted, errors.Join(errs...)
}

// auto is the step after an alert is stored: block its source when the
// policy says so, and record what happened as the alert's outcome. With
// [block] auto_regex, a source none of whose log prefixes matched it
// since its previous alert (prefixMatched false) is not blocked, as psad
// does with ENABLE_AUTO_IDS_REGEX.
func (m *blocking) auto(a alerts.Alert, prefixMatched bool) (o alerts.Outcome, blk *alerts.Block, acted bool) {
	if re := m.settings.AutoRegex; re != nil && !prefixMatched {
		minLevel := m.settings.Policy.MinLevel
		if minLevel == 0 {
			minLevel = block.DefaultMinLevel
		}
		if m.blocker.AutoOn() && a.Level >= minLevel {
			m.counts.skippedByRegex()
			m.log.Info("not auto-blocked: no log prefix matched auto_regex", "src", a.Src, "level", a.Level, "auto_regex", re.String())
		}
		return o, nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	made, blocked, err := m.blocker.Auto(ctx, a)
	if !blocked && err == nil {
		return o, nil, false
	}
	m.counts.add(alerts.BlockAuto, err)
	o = alerts.Outcome{Action: blockOutcome, Time: time.Now(), OK: err == nil}
	if err != nil {
		o.Error = err.Error()
	} else {
		blk = &made
	}
	if err := m.outcomes.AddOutcome(ctx, a.ID, o); err != nil {
		m.log.Error("block outcome not stored", "alert", a.ID, "err", err)
	}
	return o, blk, true
}

// whitelistAdd adds an entry to the whitelist file, then lifts every
// active block the never-block list now refuses: a whitelisted address
// must not stay blocked until its block runs out.
func (m *blocking) WhitelistAdd(ctx context.Context, entry, comment string, allowUnresolved bool) (control.WhitelistAdded, error) {
	e, err := m.guard.AddEntry(entry, comment, allowUnresolved)
	if err != nil {
		return control.WhitelistAdded{}, err
	}
	out := control.WhitelistAdded{Added: e.Text, File: m.guard.File(), Prefixes: e.Prefixes, Unblocked: []netip.Prefix{}}
	if e.Err != "" {
		out.Warning = fmt.Sprintf("%s does not resolve (%s): it protects nothing until it does; it is resolved again at every load (SIGHUP)", e.Text, e.Err)
		m.log.Warn("whitelist entry kept without addresses", "entry", e.Text, "error", e.Err)
	}
	lifted, err := m.liftCovered(ctx, "whitelist add "+e.Text)
	out.Unblocked = append(out.Unblocked, lifted...)
	if err != nil {
		return out, fmt.Errorf("whitelist: %s added, but blocks it covers are still in place: %w", e.Text, err)
	}
	return out, nil
}

// status is the module's part of `ifw status`.
func (m *blocking) status(ctx context.Context) *control.BlockingStatus {
	st := &control.BlockingStatus{Totals: m.blocker.Totals(), Lifted: m.lifted.Load(), Watch: m.watch.Stats(),
		ActiveBySource: map[alerts.BlockSource]int{}}
	st.Made, st.Refused, st.AutoRegexSkipped = m.counts.snapshot()
	st.Bulk = m.bulkStatus()
	st.Auto = m.AutoBlock()
	if recs, err := m.shared.ActiveBlocks(ctx); err == nil { // known during an outage too
		st.Active = len(recs)
		for _, r := range recs {
			st.ActiveBySource[r.Source]++
		}
	}
	return st
}

func (m *blocking) close() {
	m.sets.Close()
}

// The blocking module as the control API drives it (control.Blocking).

func (m *blocking) List(ctx context.Context) ([]block.Active, error) {
	l, err := m.blocker.List(ctx)
	return m.scoped(l), err
}
func (m *blocking) Block(ctx context.Context, r block.Request) (alerts.Block, error) {
	b, err := m.blocker.Block(ctx, r)
	m.counts.add(r.Source, err)
	return b, err
}
func (m *blocking) Unblock(ctx context.Context, p netip.Prefix) error {
	return m.blocker.Unblock(ctx, p)
}
func (m *blocking) WhitelistDel(entry string) error { return m.guard.Del(entry) }

// Flush lifts every active block (`ifw block flush`); the bulk lists stay.
func (m *blocking) Flush(ctx context.Context) ([]netip.Prefix, error) {
	lifted, err := m.blocker.Flush(ctx)
	if err != nil {
		return lifted, fmt.Errorf("%d blocks lifted, the others are still in place: %w", len(lifted), err)
	}
	return lifted, nil
}
func (m *blocking) Whitelist() control.Whitelist {
	return control.Whitelist{File: m.guard.File(), Entries: m.guard.Entries(), Protected: m.guard.Protected()}
}
