package signatures

import (
	"fmt"
	"net/netip"

	"github.com/ifw/ifw/signatures/rules"
)

// Reconfigure replaces the engine's thresholds, lists and signatures while
// keeping every source's state (the daemon's SIGHUP). Levels already reached
// are kept: they never drop while a state lives; auto_dl pins of tracked
// sources and smaller per-source bounds apply to states started from now on.
// When MaxSources shrinks, the least recently seen sources beyond it are
// forgotten at once.
func (e *Engine) Reconfigure(cfg Config, sigs *rules.Set) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("signatures: %w", err)
	}
	e.promoteAll() // replayed under the configuration that made them
	e.cfg = cfg
	e.filter = newFilter(&e.cfg)
	e.sigs, e.hasSigs = sigs, sigs != nil && sigs.Len() > 0
	e.bitmaps.max = cfg.MaxPortBitmaps
	for len(e.srcs) > cfg.MaxSources { // no noise records here
		s := e.lru.tail
		e.retire(s)
		e.drop(s)
		e.evicted++
		s.reset(netip.Addr{}, 0, &e.bitmaps) // give its bitmaps back now
		e.free = append(e.free, s)
	}
	return nil
}
