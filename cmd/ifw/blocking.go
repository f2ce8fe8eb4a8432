package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
)

// blocking is the daemon's blocking module: the never-block guard, the
// kernel sets and the policy over them.
type blocking struct {
	guard    *whitelist.Guard
	sets     *block.Sets
	lock     *block.SetsLock // this daemon's hold on the sets
	blocker  *block.Blocker
	settings blockSettings
	store    *alerts.Store
	log      *slog.Logger
}

// newBlocking loads the whitelist, makes sure the sets exist, and restores
// the blocks still due. The guard is loaded first: one that is not loaded
// refuses everything.
func newBlocking(ctx context.Context, cfg *daemonConfig, store *alerts.Store, log *slog.Logger) (*blocking, error) {
	log = log.With("module", "block")
	guard, err := whitelist.New(whitelist.Config{File: cfg.block.whitelist, HomeNet: cfg.detect.engine.HomeNet}, log)
	if err != nil {
		return nil, err
	}
	if err := guard.Load(ctx); err != nil {
		return nil, fmt.Errorf("whitelist: %w", err)
	}
	sets, err := block.OpenSets(cfg.block.sets, log)
	if err != nil {
		return nil, err
	}
	lock, err := sets.Lock()
	if err != nil {
		sets.Close()
		return nil, err
	}
	m := &blocking{guard: guard, sets: sets, lock: lock, settings: cfg.block, store: store, log: log}
	if err := sets.Ensure(ctx); err != nil {
		m.close()
		return nil, err
	}
	if m.blocker, err = block.New(cfg.block.policy, sets, store, guard, log); err != nil {
		m.close()
		return nil, err
	}
	b := m.blocker
	if st, err := b.Restore(ctx); err != nil {
		log.Error("blocks not restored", "err", err)
	} else {
		log.Info("blocks restored", "stats", st)
	}
	m.loadBulk(ctx)
	return m, nil
}

// loadBulk (re)loads the bulk drop lists, if any are configured.
func (m *blocking) loadBulk(ctx context.Context) (block.BulkStats, error) {
	if len(m.settings.bulk) == 0 {
		return block.BulkStats{}, nil
	}
	st, err := m.blocker.LoadBulk(ctx, m.settings.bulk, m.settings.widen4, m.settings.widen6)
	if err != nil {
		m.log.Error("bulk lists not loaded; the previous ones stay", "err", err)
		return st, err
	}
	m.log.Info("bulk lists loaded", "stats", st)
	return st, nil
}

// reload re-reads the whitelist (host names resolved again) and the bulk
// lists, for SIGHUP.
func (m *blocking) reload(ctx context.Context) error {
	if err := m.guard.Load(ctx); err != nil {
		return fmt.Errorf("whitelist: %w", err)
	}
	_, err := m.loadBulk(ctx)
	return err
}

// auto is the step after an alert is stored: block its source when the
// policy says so, and record what happened as the alert's outcome.
func (m *blocking) auto(a alerts.Alert) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, blocked, err := m.blocker.Auto(ctx, a)
	if !blocked && err == nil {
		return
	}
	o := alerts.Outcome{Action: "block", Time: time.Now(), OK: err == nil}
	if err != nil {
		o.Error = err.Error()
	}
	if err := m.store.AddOutcome(ctx, a.ID, o); err != nil {
		m.log.Error("block outcome not stored", "alert", a.ID, "err", err)
	}
}

// whitelistAdded is what `ifw whitelist add` did.
type whitelistAdded struct {
	Added    string         `json:"added"`
	File     string         `json:"file"`
	Prefixes []netip.Prefix `json:"prefixes"` // what it protects now
	// Warning: a host name kept without addresses (--allow-unresolved).
	Warning string `json:"warning,omitempty"`
	// Unblocked lists the active blocks lifted because the never-block
	// list now covers them.
	Unblocked []netip.Prefix `json:"unblocked"`
}

// whitelistAdd adds an entry to the whitelist file, then lifts every
// active block the never-block list now refuses: a whitelisted address
// must not stay blocked until its block runs out.
func (m *blocking) whitelistAdd(ctx context.Context, entry, comment string, allowUnresolved bool) (whitelistAdded, error) {
	e, err := m.guard.AddEntry(entry, comment, allowUnresolved)
	if err != nil {
		return whitelistAdded{}, err
	}
	out := whitelistAdded{Added: e.Text, File: m.guard.File(), Prefixes: e.Prefixes, Unblocked: []netip.Prefix{}}
	if e.Err != "" {
		out.Warning = fmt.Sprintf("%s does not resolve (%s): it protects nothing until it does; it is resolved again at every load (SIGHUP)", e.Text, e.Err)
		m.log.Warn("whitelist entry kept without addresses", "entry", e.Text, "error", e.Err)
	}
	recs, err := m.store.ActiveBlocks(ctx)
	if err != nil {
		return out, fmt.Errorf("whitelist: %s added, but the active blocks were not read: %w", e.Text, err)
	}
	var errs []error
	for _, rec := range recs {
		if m.guard.Check(rec.Prefix, true) == nil {
			continue
		}
		if err := m.blocker.Unblock(ctx, rec.Prefix); err != nil && !errors.Is(err, block.ErrNotBlocked) {
			errs = append(errs, err)
			continue
		}
		out.Unblocked = append(out.Unblocked, rec.Prefix)
		m.log.Info("block lifted: the never-block list now covers it", "prefix", rec.Prefix, "entry", e.Text)
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("whitelist: %s added, but blocks it covers are still in place: %w", e.Text, err)
	}
	return out, nil
}

// status is the module's part of `ifw status`.
func (m *blocking) status(ctx context.Context) *blockingStatus {
	st := &blockingStatus{Totals: m.blocker.Totals()}
	if recs, err := m.store.ActiveBlocks(ctx); err == nil {
		st.Active = len(recs)
	}
	return st
}

func (m *blocking) close() {
	m.lock.Release()
	m.sets.Close()
}
