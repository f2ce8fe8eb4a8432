package block

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
)

// Kernel is what the Blocker needs of the kernel; *Sets implements it.
type Kernel interface {
	// Add puts p into its block set for ttl (0: permanent; at most
	// MaxTimeout), or resets the timeout of the entry already there.
	Add(p netip.Prefix, ttl time.Duration) error
	// Del removes p; an error matching ErrNotInSet when it was not there.
	Del(p netip.Prefix) error
	// Test reports whether the block set holds exactly p.
	Test(p netip.Prefix) (bool, error)
	// List returns every entry of the block sets.
	List() ([]Entry, error)
	// ReplaceBulk makes v4 and v6 the whole content of the bulk sets.
	ReplaceBulk(ctx context.Context, v4, v6 []netip.Prefix) error
}

// Records is where blocks are recorded; *alerts.Store implements it.
type Records interface {
	AddBlock(ctx context.Context, b alerts.Block) (int64, error)
	// RemoveBlock ends the active block of prefix; an error matching
	// alerts.ErrNotBlocked when there is none.
	RemoveBlock(ctx context.Context, prefix netip.Prefix, why alerts.RemovedWhy, at time.Time) error
	ActiveBlocks(ctx context.Context) ([]alerts.Block, error)
	Blocks(ctx context.Context, q alerts.BlockQuery) ([]alerts.Block, error)
	BlockCount(ctx context.Context, prefix netip.Prefix, since time.Time) (int, error)
}

// Guard is the never-block list (actions/whitelist implements it). Check
// returns nil when p may be blocked; trusted is false when the evidence
// came over a transport anyone can forge (a syslog file). Its error says
// why not and is returned, wrapped, by every refused block.
type Guard interface {
	Check(p netip.Prefix, trusted bool) error
}

var (
	_ Kernel  = (*Sets)(nil)
	_ Records = (*alerts.Store)(nil)
)
