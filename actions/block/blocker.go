package block

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Request asks for a block.
type Request struct {
	Prefix netip.Prefix
	Reason string
	Level  int                // danger level behind it (0: none)
	Source alerts.BlockSource // BlockAuto or BlockManual; empty means manual
	// Trusted: the evidence came over a transport only the kernel writes
	// (always true for a manual block). Passed to the Guard.
	Trusted bool
	// For is how long: 0 means the policy's duration for Level, Forever
	// permanent; an explicit For is never capped by MaxDuration.
	For time.Duration
}

// Blocker is the blocking policy over a Kernel and Records. It is safe for
// concurrent use.
type Blocker struct {
	cfg     Config
	kernel  Kernel
	records Records
	guard   Guard
	log     *slog.Logger
	now     func() time.Time
	// auto is the automatic-blocking switch: Config.Auto at the start,
	// then what SetAuto made it.
	auto atomic.Bool

	// mu makes a record and its kernel entry change together, as seen by
	// Sync, Restore and List, which take it to settle a prefix.
	mu sync.Mutex

	totMu  sync.Mutex
	totals SyncStats // what Restore, Sync and List changed (Totals)
}

// New makes a Blocker. kernel is usually a *Sets, records an
// *alerts.Store; guard is mandatory. log may be nil.
func New(cfg Config, kernel Kernel, records Records, guard Guard, log *slog.Logger) (*Blocker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if kernel == nil || records == nil || guard == nil {
		return nil, fmt.Errorf("%w: kernel, records and guard are all needed", ErrConfig)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Blocker{cfg: cfg.withDefaults(), kernel: kernel, records: records, guard: guard, log: log, now: time.Now}
	b.auto.Store(cfg.Auto)
	return b, nil
}

// AutoOn says whether Auto blocks: Config.Auto until SetAuto changed it.
func (b *Blocker) AutoOn() bool { return b.auto.Load() }

// SetAuto turns automatic blocking on or off at run time and returns
// what it was. Active blocks stay either way.
func (b *Blocker) SetAuto(on bool) (old bool) { return b.auto.Swap(on) }

// Block blocks r.Prefix: the guard first (a refusal returns its error,
// wrapped, and records nothing), then the record, then the kernel entry.
// When the kernel refuses, the record is closed (removed_why "kernel") and
// the kernel's error returned. Blocking a prefix already blocked updates
// its block, which never ends sooner than it would have.
func (b *Blocker) Block(ctx context.Context, r Request) (alerts.Block, error) {
	p, err := Canonical(r.Prefix)
	if err != nil {
		return alerts.Block{}, err
	}
	if r.Source == "" {
		r.Source = alerts.BlockManual
	}
	if r.Source != alerts.BlockAuto && r.Source != alerts.BlockManual {
		return alerts.Block{}, fmt.Errorf("block %s: source %q is neither auto nor manual", p, r.Source)
	}
	if r.For < 0 && r.For != Forever {
		return alerts.Block{}, fmt.Errorf("block %s: negative duration %s", p, r.For)
	}
	if err := b.guard.Check(p, r.Trusted); err != nil {
		b.log.Warn("block refused", "prefix", p, "source", r.Source, "trusted", r.Trusted, "err", err)
		return alerts.Block{}, fmt.Errorf("block %s: %w", p, err)
	}
	now := b.now()
	previous, err := b.records.BlockCount(ctx, p, now.Add(-b.cfg.RepeatWindow))
	if err != nil {
		return alerts.Block{}, fmt.Errorf("block %s: %w", p, err)
	}
	rec := alerts.Block{Prefix: p, Family: family(p), Reason: r.Reason, Level: min(max(r.Level, 0), signatures.MaxLevel),
		Source: r.Source, Created: now}
	if d := b.cfg.duration(r, previous); d > 0 {
		rec.Expires = now.Add(d)
	}
	return b.commit(ctx, rec, previous)
}

// commit writes rec and its kernel entry, as one step for Sync.
func (b *Blocker) commit(ctx context.Context, rec alerts.Block, previous int) (alerts.Block, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur, ok, err := b.active(ctx, rec.Prefix); err != nil {
		return alerts.Block{}, fmt.Errorf("block %s: %w", rec.Prefix, err)
	} else if ok {
		rec.Created = cur.Created
		if cur.Permanent() || !rec.Permanent() && cur.Expires.After(rec.Expires) {
			rec.Expires = cur.Expires
		}
	}
	id, err := b.records.AddBlock(ctx, rec)
	if err != nil {
		return alerts.Block{}, fmt.Errorf("block %s: %w", rec.Prefix, err)
	}
	rec.ID = id
	if kerr := b.kernel.Add(rec.Prefix, kernelTTL(rec.Expires, b.now())); kerr != nil {
		err := b.records.RemoveBlock(context.WithoutCancel(ctx), rec.Prefix, alerts.RemovedKernel, b.now())
		b.log.Error("block failed in the kernel", "prefix", rec.Prefix, "err", kerr, "record_err", err)
		return alerts.Block{}, fmt.Errorf("block %s: %w", rec.Prefix, kerr)
	}
	b.log.Info("blocked", "prefix", rec.Prefix, "source", rec.Source, "level", rec.Level,
		"for", forText(rec), "previous", previous, "reason", rec.Reason)
	return rec, nil
}

// active returns the active record of p.
func (b *Blocker) active(ctx context.Context, p netip.Prefix) (alerts.Block, bool, error) {
	recs, err := b.records.Blocks(ctx, alerts.BlockQuery{Prefix: p, Limit: 1})
	if err != nil || len(recs) == 0 {
		return alerts.Block{}, false, err
	}
	return recs[0], true, nil
}

// Unblock removes the block of p from the kernel and closes its record
// (removed_why "deleted"). ErrNotBlocked when neither had it.
func (b *Blocker) Unblock(ctx context.Context, p netip.Prefix) error {
	p, err := Canonical(p)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	kerr := b.kernel.Del(p)
	if kerr != nil && !errors.Is(kerr, ErrNotInSet) {
		return fmt.Errorf("unblock %s: %w", p, kerr) // the record stays: the kernel still blocks
	}
	rerr := b.records.RemoveBlock(ctx, p, alerts.RemovedDeleted, b.now())
	switch {
	case kerr != nil && errors.Is(rerr, alerts.ErrNotBlocked):
		return fmt.Errorf("unblock %s: %w", p, ErrNotBlocked)
	case rerr != nil && !errors.Is(rerr, alerts.ErrNotBlocked):
		return fmt.Errorf("unblock %s: %w", p, rerr)
	}
	b.log.Info("unblocked", "prefix", p)
	return nil
}

// Auto blocks the source of a when auto-blocking is on (AutoOn) and a's
// level is at least Config.MinLevel; blocked is false when it did not apply. The
// alert's Trusted flag goes to the Guard.
func (b *Blocker) Auto(ctx context.Context, a alerts.Alert) (blk alerts.Block, blocked bool, err error) {
	if !b.auto.Load() || a.Level < b.cfg.MinLevel || !a.Src.IsValid() {
		return alerts.Block{}, false, nil
	}
	src := a.Src.Unmap()
	reason := fmt.Sprintf("alert %d: danger level %d", a.ID, a.Level)
	if a.Reasons != "" {
		reason += " (" + a.Reasons + ")"
	}
	blk, err = b.Block(ctx, Request{
		Prefix: netip.PrefixFrom(src, src.BitLen()), Reason: reason, Level: a.Level,
		Source: alerts.BlockAuto, Trusted: a.Trusted,
	})
	return blk, err == nil, err
}

func family(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 4
	}
	return 6
}

func forText(rec alerts.Block) string {
	if rec.Permanent() {
		return "ever"
	}
	return rec.Expires.Sub(rec.Created).Round(time.Second).String()
}
