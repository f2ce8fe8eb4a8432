package daemon

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// feedRecords is the store as the blocker's records, telling the feed
// each time a block is made or ends: every change of the active blocks
// (auto, by hand, expiry, a lift by the never-block list, a flush) goes
// through here. The blocker calls it with its lock held, so a subscriber
// that lists the blocks on the news sees the kernel agree.
type feedRecords struct {
	block.Records
	feed *control.Feed
}

// recordsOf is the store as the blocker's records: through the outage
// spool w when there is one (nil: none).
func recordsOf(store *alerts.Store, w *spooler, feed *control.Feed) feedRecords {
	if w == nil {
		return feedRecords{store, feed}
	}
	return feedRecords{newSpoolRecords(store, w), feed}
}

func (r feedRecords) AddBlock(ctx context.Context, b alerts.Block) (int64, error) {
	id, err := r.Records.AddBlock(ctx, b)
	if err == nil {
		r.feed.Changed(control.StreamBlocks)
	}
	return id, err
}

func (r feedRecords) RemoveBlock(ctx context.Context, prefix netip.Prefix, why alerts.RemovedWhy, at time.Time) error {
	err := r.Records.RemoveBlock(ctx, prefix, why, at)
	if err == nil {
		r.feed.Changed(control.StreamBlocks)
	}
	return err
}
