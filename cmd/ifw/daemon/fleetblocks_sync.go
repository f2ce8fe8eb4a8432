package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
)

// push writes the changes decided here to the fleet's table.
func (w *fleetBlocks) push(ctx context.Context, changes map[netip.Prefix]localChange) error {
	for p, c := range changes {
		if err := w.pushOne(ctx, p, c); err != nil {
			return err
		}
	}
	return nil
}

func (w *fleetBlocks) pushOne(ctx context.Context, p netip.Prefix, c localChange) error {
	switch {
	case c.add:
		// As recorded: with the store on the fleet's database, the record
		// may still wait in the outage spool.
		row, changed, err := w.fleet.PublishBlock(ctx, c.block)
		if err == nil {
			w.setOrigin(p, row.Origin)
		}
		if err == nil && changed {
			w.log.Info("block shared with the fleet", "prefix", p, "fleet_id", row.ID)
		}
		return err
	case c.why == alerts.RemovedExpired:
		_, err := w.fleet.ExpireBlocks(ctx, time.Now())
		return err
	case c.why == alerts.RemovedKernel:
		return w.recordActive(ctx, p, fleet.StateFailed, "this host's kernel refused or lost it")
	case w.m.guard.Check(p, true) != nil:
		// Lifted here because this host's never-block list covers it:
		// this host's business, not the fleet's.
		return w.recordActive(ctx, p, fleet.StateRefused, w.m.guard.Check(p, true).Error())
	}
	removed, err := w.fleet.RemoveBlock(ctx, p, c.why, c.at)
	w.setOrigin(p, "")
	if err == nil && removed {
		w.log.Info("unblock shared with the fleet", "prefix", p)
	}
	return err
}

// recordActive records this host's state for the active row of p, if any.
func (w *fleetBlocks) recordActive(ctx context.Context, p netip.Prefix, st fleet.HostState, detail string) error {
	rows, err := w.fleet.ActiveBlocks(ctx, p)
	if err != nil || len(rows) == 0 {
		return err
	}
	return w.fleet.RecordBlockHost(ctx, rows[0].ID, st, detail)
}

// reconcile makes this host's blocks and the fleet's table agree, for p
// only when p is valid: the table's active blocks are applied here (or
// refused by this host's guard, and recorded so); blocks this host applied
// that the fleet ended since are lifted; blocks decided here that the
// table lacks are published.
func (w *fleetBlocks) reconcile(ctx context.Context, p netip.Prefix) error {
	if !p.IsValid() {
		if _, err := w.fleet.ExpireBlocks(ctx, time.Now()); err != nil {
			return err
		}
	}
	rows, err := w.fleet.ActiveBlocks(ctx, p)
	if err != nil {
		return err
	}
	mine, err := w.fleet.HostRecords(ctx, w.fleet.Host(), p, true)
	if err != nil {
		return err
	}
	records := map[netip.Prefix]fleet.HostRecord{}
	for _, r := range mine {
		records[r.Prefix] = r
	}
	local, err := w.localBlocks(ctx, p)
	if err != nil {
		return err
	}
	var errs []error
	for _, row := range rows {
		loc, here := local[row.Prefix]
		delete(local, row.Prefix)
		if err := w.follow(ctx, row, records[row.Prefix], loc, here); err != nil {
			errs = append(errs, err)
		}
	}
	for q, loc := range local {
		if err := w.orphan(ctx, loc, records[q]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// localBlocks are this host's active blocks (of p when valid), bulk
// lists aside: each host loads its own. They are read as the blocker
// reads them: with the store on the fleet's database, during an outage
// and until the spool is delivered, from what the blocker last knew.
func (w *fleetBlocks) localBlocks(ctx context.Context, p netip.Prefix) (map[netip.Prefix]alerts.Block, error) {
	var recs []alerts.Block
	var err error
	if p.IsValid() {
		recs, err = w.m.shared.Blocks(ctx, alerts.BlockQuery{Prefix: p, Limit: 1})
	} else {
		recs, err = w.m.shared.ActiveBlocks(ctx)
	}
	out := map[netip.Prefix]alerts.Block{}
	for _, r := range recs {
		if r.Source != alerts.BlockBulk {
			out[r.Prefix] = r
		}
	}
	return out, err
}

// follow brings this host in line with an active row of the table; rec
// is this host's latest record of the row's prefix, loc its local block
// (here: there is one).
func (w *fleetBlocks) follow(ctx context.Context, row fleet.Block, rec fleet.HostRecord, loc alerts.Block, here bool) error {
	mine := rec.BlockID == row.ID
	if why := w.m.guard.Check(row.Prefix, true); why != nil {
		if mine && rec.State == fleet.StateRefused {
			return nil
		}
		w.refused.Add(1)
		w.setOrigin(row.Prefix, "")
		w.log.Warn("fleet block refused by this host's never-block list", "prefix", row.Prefix, "origin", row.Origin, "why", why)
		return w.fleet.RecordBlockHost(ctx, row.ID, fleet.StateRefused, why.Error())
	}
	switch {
	case here && lasts(loc.Expires, row.Expires):
		// Blocked here at least as long (decided here too, or applied).
		w.setOrigin(row.Prefix, row.Origin)
		if !lasts(row.Expires, loc.Expires) {
			_, _, err := w.fleet.PublishBlock(ctx, loc)
			return err
		}
		if !mine || rec.State != fleet.StateApplied {
			return w.fleet.RecordBlockHost(ctx, row.ID, fleet.StateApplied, "")
		}
		return nil
	case !here && mine && rec.State == fleet.StateApplied:
		// Applied here and no longer: unblocked here while the database
		// was away (shared now), or gone early (put back).
		if last, ok, err := w.lastLocal(ctx, row.Prefix); err != nil {
			return err
		} else if ok && last.RemovedWhy == alerts.RemovedDeleted && last.Removed.After(rec.Time) {
			_, err := w.fleet.RemoveBlock(ctx, row.Prefix, alerts.RemovedDeleted, last.Removed)
			return err
		}
	case !here && mine && (rec.State == fleet.StateFailed || rec.State == fleet.StateRemoved):
		return nil
	}
	return w.apply(ctx, row)
}

// lastLocal is the newest local record of p, active or not.
func (w *fleetBlocks) lastLocal(ctx context.Context, p netip.Prefix) (alerts.Block, bool, error) {
	recs, err := w.m.shared.Blocks(ctx, alerts.BlockQuery{Prefix: p, IncludeRemoved: true, Limit: 1})
	if err != nil || len(recs) == 0 {
		return alerts.Block{}, false, err
	}
	return recs[0], true, nil
}

// apply blocks row here until its expiry (absolute: every host's kernel
// lets it go at the same time) and records what happened.
func (w *fleetBlocks) apply(ctx context.Context, row fleet.Block) error {
	r := block.Request{Prefix: row.Prefix, Reason: fmt.Sprintf("%s%s: %s", fleetBlockReason, row.Origin, row.Reason),
		Level: row.Level, Source: row.Source, Trusted: true, For: block.Forever}
	if r.Source != alerts.BlockAuto {
		r.Source = alerts.BlockManual
	}
	if !row.Expires.IsZero() {
		if r.For = time.Until(row.Expires); r.For <= 0 {
			return nil // expired: every host lets it go by itself
		}
	}
	_, err := w.m.blocker.Block(fromFleet(ctx, row.Origin), r)
	state, detail := fleet.StateApplied, ""
	switch {
	case err == nil:
		w.applied.Add(1)
		w.setOrigin(row.Prefix, row.Origin)
		w.log.Info("fleet block applied", "prefix", row.Prefix, "origin", row.Origin, "fleet_id", row.ID)
	case errors.Is(err, whitelist.ErrRefused):
		w.refused.Add(1)
		state, detail = fleet.StateRefused, err.Error()
		w.log.Warn("fleet block refused by this host's never-block list", "prefix", row.Prefix, "origin", row.Origin, "err", err)
	default:
		state, detail = fleet.StateFailed, err.Error()
		w.log.Error("fleet block not applied", "prefix", row.Prefix, "origin", row.Origin, "err", err)
	}
	return w.fleet.RecordBlockHost(ctx, row.ID, state, detail)
}

// orphan settles a local block the table has no active row for: lifted
// when this host had it from (or shared it with) the fleet and the fleet
// ended it since; published when it was decided here and never shared
// (during an outage).
func (w *fleetBlocks) orphan(ctx context.Context, loc alerts.Block, rec fleet.HostRecord) error {
	ended := rec.BlockID != 0 && !rec.Block.Active() && !loc.Created.After(rec.Time)
	switch {
	case ended && rec.Block.RemovedWhy == alerts.RemovedExpired && !lasts(loc.Expires, rec.Block.Expires.Add(fleetSlack)):
		return nil // expires here too, by itself
	case ended:
		w.setOrigin(loc.Prefix, "")
		err := w.m.blocker.Unblock(fromFleet(ctx, rec.Block.RemovedBy), loc.Prefix)
		if err != nil && !errors.Is(err, block.ErrNotBlocked) {
			return err
		}
		w.log.Info("fleet unblock applied", "prefix", loc.Prefix, "by", rec.Block.RemovedBy, "why", rec.Block.RemovedWhy)
		return w.fleet.RecordBlockHost(ctx, rec.BlockID, fleet.StateRemoved,
			fmt.Sprintf("%s on %s", rec.Block.RemovedWhy, rec.Block.RemovedBy))
	case strings.HasPrefix(loc.Reason, fleetBlockReason):
		// Applied from the fleet (its reason says so; a decision here since
		// would have replaced it), and the fleet holds it no longer, though
		// this host's record of it was lost: never published again.
		w.setOrigin(loc.Prefix, "")
		err := w.m.blocker.Unblock(fromFleet(ctx, ""), loc.Prefix)
		if err != nil && !errors.Is(err, block.ErrNotBlocked) {
			return err
		}
		w.log.Info("fleet block no longer in the fleet: lifted", "prefix", loc.Prefix)
		return nil
	}
	row, _, err := w.fleet.PublishBlock(ctx, loc)
	if err == nil {
		w.setOrigin(loc.Prefix, row.Origin)
		w.log.Info("block shared with the fleet", "prefix", loc.Prefix, "fleet_id", row.ID)
	}
	return err
}

// lasts reports whether a block expiring at a (zero: never) lasts at least
// as long as one expiring at b, within fleetSlack.
func lasts(a, b time.Time) bool {
	switch {
	case a.IsZero():
		return true
	case b.IsZero():
		return false
	}
	return !a.Add(fleetSlack).Before(b)
}
