package block

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
)

// expirySlack is how early before its record's expiry a kernel entry may
// vanish and still count as expired: the kernel counts whole seconds.
const expirySlack = 2 * time.Second

// SyncStats counts what Sync or Restore changed.
type SyncStats struct {
	Restored int `json:"restored"` // records put back into the kernel (Restore)
	// PutBack counts the entries that vanished from the kernel before
	// their time (someone ran ipset del or flush) and were put back.
	PutBack int `json:"put_back"`
	Expired int `json:"expired"` // records closed as expired
	Lost    int `json:"lost"`    // records closed as "kernel": the kernel refused to take the entry back
	Refused int `json:"refused"` // records the guard now refuses, closed and not restored
	Orphans int `json:"orphans"` // kernel entries without a record, deleted
}

// add sums o into s.
func (s *SyncStats) add(o SyncStats) {
	s.Restored += o.Restored
	s.PutBack += o.PutBack
	s.Expired += o.Expired
	s.Lost += o.Lost
	s.Refused += o.Refused
	s.Orphans += o.Orphans
}

// Active is an active block with the time the kernel still keeps it.
type Active struct {
	alerts.Block
	// RemainingSeconds is how long the block still lasts; 0 for a
	// permanent one.
	RemainingSeconds int64 `json:"remaining_seconds"`
}

// Remaining is RemainingSeconds as a duration.
func (a Active) Remaining() time.Duration { return time.Duration(a.RemainingSeconds) * time.Second }

// Restore makes the kernel agree with the store at start: every active
// record still due goes back into the kernel with its remaining time
// (unless the guard now refuses its prefix: it is closed as deleted), the
// others are closed as expired, and kernel entries without a record are
// deleted. Call it after Sets.Ensure and after the guard has loaded (a
// guard that refuses everything would close every block), before
// blocking anything.
func (b *Blocker) Restore(ctx context.Context) (SyncStats, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	recs, entries, err := b.snapshot(ctx)
	if err != nil {
		return SyncStats{}, fmt.Errorf("restore: %w", err)
	}
	var st SyncStats
	var errs []error
	for _, rec := range recs {
		delete(entries, rec.Prefix)
		if err := b.restore(ctx, rec, &st); err != nil {
			errs = append(errs, err)
		}
	}
	for p := range entries {
		if err := b.kernel.Del(p); err != nil && !errors.Is(err, ErrNotInSet) {
			errs = append(errs, err)
			continue
		}
		st.Orphans++
		b.log.Warn("kernel block without a record deleted", "prefix", p)
	}
	b.log.Info("blocks restored", "restored", st.Restored, "expired", st.Expired, "refused", st.Refused,
		"failed", st.Lost, "orphans", st.Orphans)
	b.count(st)
	return st, errors.Join(errs...)
}

// restore puts one record back into the kernel, or closes it.
func (b *Blocker) restore(ctx context.Context, rec alerts.Block, st *SyncStats) error {
	now := b.now()
	if rec.Due(now) {
		st.Expired++
		return b.close(ctx, rec, alerts.RemovedExpired, rec.Expires, true)
	}
	if err := b.guard.Check(rec.Prefix, true); err != nil {
		st.Refused++
		b.log.Warn("block not restored: the guard refuses it now", "prefix", rec.Prefix, "err", err)
		return b.close(ctx, rec, alerts.RemovedDeleted, now, true)
	}
	if kerr := b.kernel.Add(rec.Prefix, kernelTTL(rec.Expires, now)); kerr != nil {
		st.Lost++
		return errors.Join(kerr, b.close(ctx, rec, alerts.RemovedKernel, now, false))
	}
	st.Restored++
	return nil
}

// close ends rec's record, and its kernel entry when del.
func (b *Blocker) close(ctx context.Context, rec alerts.Block, why alerts.RemovedWhy, at time.Time, del bool) error {
	if del {
		if err := b.kernel.Del(rec.Prefix); err != nil && !errors.Is(err, ErrNotInSet) {
			return err
		}
	}
	err := b.records.RemoveBlock(ctx, rec.Prefix, why, at)
	if err != nil && !errors.Is(err, alerts.ErrNotBlocked) {
		return err
	}
	b.log.Info("block ended", "prefix", rec.Prefix, "why", why)
	return nil
}

// snapshot reads the active records and the kernel's entries.
func (b *Blocker) snapshot(ctx context.Context) ([]alerts.Block, map[netip.Prefix]Entry, error) {
	recs, err := b.records.ActiveBlocks(ctx)
	if err != nil {
		return nil, nil, err
	}
	list, err := b.kernel.List()
	if err != nil {
		return nil, nil, err
	}
	entries := make(map[netip.Prefix]Entry, len(list))
	for _, e := range list {
		entries[e.Prefix] = e
	}
	return recs, entries, nil
}

// Sync makes the store agree with the kernel: records whose entry the
// kernel dropped at their time are closed as expired, entries that
// vanished well before their time are put back (only ifw ends its blocks;
// "kernel" when the kernel refuses them), records past their expiry are closed and their
// entry deleted (blocks longer than the kernel's timeouts), and kernel
// entries without a record are deleted. Blocking goes on meanwhile: only
// the prefixes that disagree are settled, one at a time, under the lock.
func (b *Blocker) Sync(ctx context.Context) (SyncStats, error) {
	recs, entries, err := b.snapshot(ctx)
	if err != nil {
		return SyncStats{}, fmt.Errorf("sync: %w", err)
	}
	now := b.now()
	var suspects []netip.Prefix
	for _, rec := range recs {
		if _, in := entries[rec.Prefix]; !in || rec.Due(now) {
			suspects = append(suspects, rec.Prefix)
		}
		delete(entries, rec.Prefix)
	}
	for p := range entries {
		suspects = append(suspects, p)
	}
	var st SyncStats
	var errs []error
	for _, p := range suspects {
		if _, _, err := b.settle(ctx, p, &st); err != nil {
			errs = append(errs, err)
		}
	}
	b.count(st)
	return st, errors.Join(errs...)
}

// settle makes the record and the kernel entry of p agree, looking at
// both afresh under the lock; active reports whether p is still blocked.
func (b *Blocker) settle(ctx context.Context, p netip.Prefix, st *SyncStats) (rec alerts.Block, active bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rec, ok, err := b.active(ctx, p)
	if err != nil {
		return rec, false, err
	}
	in, err := b.kernel.Test(p)
	if err != nil {
		return rec, false, err
	}
	now := b.now()
	switch {
	case !ok && in:
		st.Orphans++
		b.log.Warn("kernel block without a record deleted", "prefix", p)
		if err := b.kernel.Del(p); err != nil && !errors.Is(err, ErrNotInSet) {
			return rec, false, err
		}
		return rec, false, nil
	case !ok:
		return rec, false, nil
	case rec.Due(now):
		st.Expired++
		return rec, false, b.close(ctx, rec, alerts.RemovedExpired, rec.Expires, in)
	case in:
		return rec, true, nil
	case !rec.Permanent() && rec.Expires.Sub(now) <= expirySlack:
		st.Expired++
		return rec, false, b.close(ctx, rec, alerts.RemovedExpired, now, false)
	}
	return b.putBack(ctx, rec, now, st)
}

// putBack puts the kernel entry of an active record that vanished before
// its time back, with the time left: only ifw ends its blocks. One the
// guard now refuses is closed instead.
func (b *Blocker) putBack(ctx context.Context, rec alerts.Block, now time.Time, st *SyncStats) (alerts.Block, bool, error) {
	if err := b.guard.Check(rec.Prefix, true); err != nil {
		st.Refused++
		b.log.Warn("kernel block vanished and the guard refuses it now: closed", "prefix", rec.Prefix, "err", err)
		return rec, false, b.close(ctx, rec, alerts.RemovedDeleted, now, false)
	}
	if kerr := b.kernel.Add(rec.Prefix, kernelTTL(rec.Expires, now)); kerr != nil {
		st.Lost++
		b.log.Error("kernel block vanished before its time and could not be put back", "prefix", rec.Prefix, "err", kerr)
		return rec, false, errors.Join(kerr, b.close(ctx, rec, alerts.RemovedKernel, now, false))
	}
	st.PutBack++
	b.log.Warn("kernel block vanished before its time: put back", "prefix", rec.Prefix, "expires", expiresText(rec))
	return rec, true, nil
}

// expiresText is a record's expiry for logs: a time, or "never".
func expiresText(rec alerts.Block) string {
	if rec.Permanent() {
		return "never"
	}
	return rec.Expires.Format(time.RFC3339)
}

// Run calls Sync every Config.SyncInterval until ctx ends; a failed Sync
// is logged and tried again at the next tick. It returns nil when ctx is
// cancelled.
func (b *Blocker) Run(ctx context.Context) error {
	t := time.NewTicker(b.cfg.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		st, err := b.Sync(ctx)
		if err != nil && ctx.Err() == nil {
			b.log.Error("block sync failed", "err", err)
		}
		if st != (SyncStats{}) {
			b.log.Debug("block sync", "expired", st.Expired, "put_back", st.PutBack, "lost", st.Lost, "orphans", st.Orphans)
		}
	}
}

// List returns the active blocks with the time the kernel still keeps
// them, oldest first. A record whose kernel entry is gone is settled
// first (as Sync would), so List never shows a block the kernel dropped.
func (b *Blocker) List(ctx context.Context) ([]Active, error) {
	recs, entries, err := b.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	now := b.now()
	out := make([]Active, 0, len(recs))
	for _, rec := range recs {
		e, in := entries[rec.Prefix]
		if !in || rec.Due(now) {
			var st SyncStats
			var active bool
			rec, active, err = b.settle(ctx, rec.Prefix, &st)
			b.count(st)
			if err != nil {
				return nil, fmt.Errorf("list blocks: %w", err)
			}
			if !active {
				continue
			}
		}
		out = append(out, Active{Block: rec, RemainingSeconds: remaining(rec, e, now)})
	}
	return out, nil
}

// remaining is how long rec still lasts: the kernel's figure when it has
// one (it has none for permanent entries and blocks beyond its timeouts).
func remaining(rec alerts.Block, e Entry, now time.Time) int64 {
	switch {
	case rec.Permanent():
		return 0
	case e.Remaining > 0:
		return int64(e.Remaining / time.Second)
	}
	return int64((rec.Expires.Sub(now) + time.Second - 1) / time.Second)
}

// count adds what a Restore, Sync or List changed to the totals.
func (b *Blocker) count(st SyncStats) {
	b.totMu.Lock()
	b.totals.add(st)
	b.totMu.Unlock()
}

// Totals is what every Restore, Sync and List changed since New: blocks
// put back, expired, lost, refused, and strays deleted.
func (b *Blocker) Totals() SyncStats {
	b.totMu.Lock()
	defer b.totMu.Unlock()
	return b.totals
}
