package block

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// Flush lifts every block the Blocker made, as psad --flush does: every
// active record (auto, manual, the desktop's) is closed as deleted and
// its kernel entry removed, then every entry left in the block sets
// without a record (someone's ipset add, a record lost) is deleted too.
// The bulk sets are not touched: they hold the admin's drop lists, loaded
// again by LoadBulk. lifted lists what was lifted; on error, what was
// lifted before it (the rest stays blocked).
func (b *Blocker) Flush(ctx context.Context) (lifted []netip.Prefix, err error) {
	recs, err := b.records.ActiveBlocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	lifted = []netip.Prefix{}
	var errs []error
	for _, rec := range recs {
		switch err := b.Unblock(ctx, rec.Prefix); {
		case err == nil:
			lifted = append(lifted, rec.Prefix)
		case !errors.Is(err, ErrNotBlocked): // ErrNotBlocked: gone meanwhile
			errs = append(errs, err)
		}
	}
	entries, err := b.kernel.List()
	if err != nil {
		return lifted, fmt.Errorf("flush: %w", errors.Join(append(errs, err)...))
	}
	for _, e := range entries {
		if slices.Contains(lifted, e.Prefix) {
			continue // its timeout was reset between Unblock and List: gone anyway
		}
		switch err := b.Unblock(ctx, e.Prefix); {
		case err == nil:
			lifted = append(lifted, e.Prefix)
		case !errors.Is(err, ErrNotBlocked):
			errs = append(errs, err)
		}
	}
	if len(lifted) > 0 {
		b.log.Warn("every block lifted (flush)", "lifted", len(lifted))
	}
	return lifted, errors.Join(errs...)
}
