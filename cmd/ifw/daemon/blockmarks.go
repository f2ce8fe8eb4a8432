package daemon

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
)

// markBlocked gives each attacker of the status the active block that
// covers its address (its own, else the most specific network); blocks
// whose time ran out but that the sync has not closed yet do not count.
// Without blocking, or when the store cannot say, nothing is marked.
func (d *Daemon) markBlocked(ctx context.Context, as []signatures.Attacker, now time.Time) []control.AttackerStatus {
	out := make([]control.AttackerStatus, len(as))
	for i, a := range as {
		out[i].Attacker = a
	}
	if d.block == nil || len(as) == 0 {
		return out
	}
	recs, err := d.block.shared.ActiveBlocks(ctx) // the blocker's records: known during an outage too
	if err != nil {
		d.log.Warn("status: active blocks not read; attackers shown without them", "err", err)
		return out
	}
	hosts := map[netip.Addr]alerts.Block{}
	var nets []alerts.Block
	for _, b := range recs {
		switch {
		case b.Due(now):
		case b.Prefix.IsSingleIP():
			hosts[b.Prefix.Addr()] = b
		default:
			nets = append(nets, b)
		}
	}
	for i := range out {
		if b, ok := covering(out[i].Src.Unmap(), hosts, nets); ok {
			out[i].Blocked = &control.BlockMark{Prefix: b.Prefix, Source: b.Source, Permanent: b.Permanent(), Until: b.Expires}
		}
	}
	return out
}

// covering is the block of a itself, else the longest network holding a.
func covering(a netip.Addr, hosts map[netip.Addr]alerts.Block, nets []alerts.Block) (alerts.Block, bool) {
	if b, ok := hosts[a]; ok {
		return b, true
	}
	var best alerts.Block
	found := false
	for _, b := range nets {
		if b.Prefix.Contains(a) && (!found || b.Prefix.Bits() > best.Prefix.Bits()) {
			best, found = b, true
		}
	}
	return best, found
}
