package daemon

import (
	"context"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/ifw/ifw/alerts"
)

// spoolRecords is the store as the blocker's records when the store is a
// shared database: block writes go through the spooler (spooled while the
// database is down), and the reads the blocker needs to block at all
// (the active block of a prefix, the active blocks, a prefix's recent
// blocks) are answered from the active blocks as last known when the
// database cannot be reached: blocking goes on locally during an outage.
// Only the repeat-offender count is poorer meanwhile (this outage's
// blocks, not the history).
type spoolRecords struct {
	*alerts.Store
	w      *spooler
	mu     sync.Mutex
	active map[netip.Prefix]alerts.Block // as last read, with every change since
}

func newSpoolRecords(store *alerts.Store, w *spooler) *spoolRecords {
	return &spoolRecords{Store: store, w: w, active: make(map[netip.Prefix]alerts.Block)}
}

func (r *spoolRecords) AddBlock(ctx context.Context, b alerts.Block) (int64, error) {
	id, err := r.w.AddBlock(ctx, b)
	if err == nil {
		b.ID = id
		r.mu.Lock()
		r.active[b.Prefix] = b
		r.mu.Unlock()
	}
	return id, err
}

func (r *spoolRecords) RemoveBlock(ctx context.Context, p netip.Prefix, why alerts.RemovedWhy, at time.Time) error {
	r.mu.Lock()
	delete(r.active, p)
	r.mu.Unlock()
	return r.w.RemoveBlock(ctx, p, why, at)
}

// read runs a read of the store with the spooler's short timeout; one
// that finds the database unreachable starts the outage.
func (r *spoolRecords) read(ctx context.Context, fn func(context.Context) error) (tryLocal bool, err error) {
	if r.w.isDown() {
		return true, nil
	}
	ctx, cancel := context.WithTimeout(ctx, spoolWriteTimeout)
	defer cancel()
	if err = fn(ctx); unavailable(err) {
		r.w.noteDown(err)
		return true, nil
	}
	return false, err
}

func (r *spoolRecords) ActiveBlocks(ctx context.Context) ([]alerts.Block, error) {
	var recs []alerts.Block
	local, err := r.read(ctx, func(ctx context.Context) (err error) { recs, err = r.Store.ActiveBlocks(ctx); return err })
	if !local {
		if err == nil {
			r.remember(recs)
		}
		return recs, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.SortedFunc(maps.Values(r.active), func(a, b alerts.Block) int { return b.Created.Compare(a.Created) }), nil
}

// remember replaces the known active blocks with recs (a fresh read).
func (r *spoolRecords) remember(recs []alerts.Block) {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.active)
	for _, b := range recs {
		r.active[b.Prefix] = b
	}
}

// Blocks answers the blocker's question (the active block of a prefix)
// locally during an outage; other queries need the database.
func (r *spoolRecords) Blocks(ctx context.Context, q alerts.BlockQuery) ([]alerts.Block, error) {
	if !q.Prefix.IsValid() || q.IncludeRemoved {
		return r.Store.Blocks(ctx, q)
	}
	var recs []alerts.Block
	local, err := r.read(ctx, func(ctx context.Context) (err error) { recs, err = r.Store.Blocks(ctx, q); return err })
	if !local {
		return recs, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.active[q.Prefix]; ok && !b.Created.Before(q.Since) {
		return []alerts.Block{b}, nil
	}
	return []alerts.Block{}, nil
}

// BlockCount counts, during an outage, only the active block as known.
func (r *spoolRecords) BlockCount(ctx context.Context, p netip.Prefix, since time.Time) (int, error) {
	var n int
	local, err := r.read(ctx, func(ctx context.Context) (err error) { n, err = r.Store.BlockCount(ctx, p, since); return err })
	if !local {
		return n, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.active[p]; ok && !b.Created.Before(since) {
		return 1, nil
	}
	return 0, nil
}
