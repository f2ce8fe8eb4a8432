package daemon

import (
	"context"
	"log/slog"

	"github.com/ifw/ifw/actions/block"
)

// Sets is what the blocking module needs of the kernel's block sets:
// *block.Sets with this daemon's hold on them (ipsets below); a test puts
// a fake kernel here (Options.OpenSets).
type Sets interface {
	block.Kernel
	// Ensure creates the sets that are missing.
	Ensure(ctx context.Context) error
	// Close gives back the sets and the daemon's hold on them.
	Close()
}

// SetsOpener opens the sets of cfg for this daemon alone: an error
// matching block.ErrInUse when another daemon holds them.
type SetsOpener func(cfg block.SetsConfig, log *slog.Logger) (Sets, error)

// ipsets are the kernel's sets, locked for this daemon.
type ipsets struct {
	*block.Sets
	lock *block.SetsLock
}

// openIPSets is the SetsOpener of a real daemon.
func openIPSets(cfg block.SetsConfig, log *slog.Logger) (Sets, error) {
	sets, err := block.OpenSets(cfg, log)
	if err != nil {
		return nil, err
	}
	lock, err := sets.Lock()
	if err != nil {
		sets.Close()
		return nil, err
	}
	return &ipsets{Sets: sets, lock: lock}, nil
}

func (s *ipsets) Close() {
	s.lock.Release()
	s.Sets.Close()
}
