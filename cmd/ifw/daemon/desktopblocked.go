package daemon

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/alerts"
)

// blockedLookup is the notify hub's Config.Blocked: nil without blocking.
func (d *Daemon) blockedLookup() func(context.Context, netip.Addr) *notify.Blocked {
	if d.block == nil {
		return nil
	}
	return d.blockedNow
}

// blockedNow is the active block of src's own address, which the
// auto-blocker made before the alert reached the actions; a block of a
// wider network, or one whose time ran out, does not count (a bubble's
// Unblock lifts the address's block only). When the store cannot say,
// the bubble offers Block as usual.
func (d *Daemon) blockedNow(ctx context.Context, src netip.Addr) *notify.Blocked {
	p := netip.PrefixFrom(src, src.BitLen())
	recs, err := d.block.shared.Blocks(ctx, alerts.BlockQuery{Prefix: p, Limit: 1}) // known during an outage too
	if err != nil {
		d.log.Warn("bubble: the source's block not read; Block offered", "src", src, "err", err)
		return nil
	}
	if len(recs) == 0 || recs[0].Due(time.Now()) {
		return nil
	}
	b := recs[0]
	return &notify.Blocked{Prefix: p, Auto: b.Source == alerts.BlockAuto, Until: b.Expires}
}
