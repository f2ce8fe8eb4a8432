package daemon

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// blockOutcome is the Outcome.Action of the auto-blocker (blocking.auto).
const blockOutcome = "block"

// maxBlockHistory bounds the blocks of one address read to find the one
// an alert made.
const maxBlockHistory = 64

// Alerts is the alert history q selects, newest first, each alert with
// the block its auto-block outcome made or extended, as it stands now.
func (d *Daemon) Alerts(ctx context.Context, q alerts.Query) ([]control.AlertRecord, error) {
	list, err := d.store.Alerts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]control.AlertRecord, len(list))
	history := map[netip.Addr][]alerts.Block{} // per source, read once
	for i, a := range list {
		out[i].Alert = a
		at, ok := blockedAt(a)
		if !ok {
			continue
		}
		src := a.Src.Unmap()
		blocks, seen := history[src]
		if !seen {
			blocks, err = d.store.Blocks(ctx, alerts.BlockQuery{Prefix: netip.PrefixFrom(src, src.BitLen()),
				IncludeRemoved: true, Limit: maxBlockHistory})
			if err != nil {
				return nil, err
			}
			history[src] = blocks
		}
		out[i].Block = blockAt(blocks, at)
	}
	return out, nil
}

// blockedAt is when a's auto-block outcome blocked its source, if it did.
func blockedAt(a alerts.Alert) (time.Time, bool) {
	for _, o := range a.Outcomes {
		if o.Action == blockOutcome && o.OK {
			return o.Time, true
		}
	}
	return time.Time{}, false
}

// blockAt is the block of blocks (newest first) that was in place at t:
// created by then and not removed before.
func blockAt(blocks []alerts.Block, t time.Time) *alerts.Block {
	for _, b := range blocks {
		if !b.Created.After(t) && (b.Active() || !b.Removed.Before(t)) {
			return &b
		}
	}
	return nil
}
