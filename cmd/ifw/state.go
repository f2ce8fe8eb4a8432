package main

import (
	"context"
	"time"

	"github.com/ifw/ifw/signatures"
)

// Keys of the daemon's entries in the store's state table.
const (
	stateEngine       = "engine"
	stateSourcePrefix = "collector:"
)

// restoreEngine loads the engine state the last run saved; a state that
// does not load is logged and the engine starts empty.
func (d *ifwd) restoreEngine(ctx context.Context, e *signatures.Engine) {
	blob, ok, err := d.store.State(ctx, stateEngine)
	switch {
	case err != nil:
		d.log.Warn("engine state not read; starting empty", "err", err)
	case !ok:
	default:
		if err := e.RestoreState(blob); err != nil {
			d.log.Warn("engine state not restored; starting empty", "err", err)
			return
		}
		d.log.Info("engine state restored", "sources", e.Stats().Sources, "bytes", len(blob))
	}
}

// positions reads every collector's resume position.
func (d *ifwd) positions() map[string][]byte {
	out := make(map[string][]byte, len(d.collectors))
	for _, c := range d.collectors {
		if c.position == nil {
			continue
		}
		if b, err := c.position(); err == nil {
			out[c.src.Name()] = b
		}
	}
	return out
}

// save writes a consistent state: positions first, then (on the engine
// goroutine, after it observed everything already handed on) the engine,
// then, once every alert so far is stored, both.
func (d *ifwd) save(ctx context.Context) error {
	positions := d.positions()
	var blob []byte
	var merr error
	var windows []signatures.Window
	if err := d.pipe.do(ctx, func(e *signatures.Engine) {
		blob, merr = e.MarshalState()
		windows = e.Windows(d.windowsWithin())
	}); err != nil {
		return err
	}
	if err := d.pipe.barrier(ctx); err != nil {
		return err
	}
	d.saveState(ctx, blob, merr, positions)
	d.saveWindows(ctx, windows)
	return nil
}

// windowsWithin is how far back from the latest packet save writes the
// attackers' windows: three save intervals, so that a save that came
// late or failed leaves no window unwritten (writing one again is
// harmless).
func (d *ifwd) windowsWithin() time.Duration { return 3 * d.cfg.daemon.saveInterval }

// saveWindows stores the packet counts of the attackers' scan windows,
// which reports read (an alert counts only up to the last change).
func (d *ifwd) saveWindows(ctx context.Context, windows []signatures.Window) {
	if err := d.store.PutWindows(ctx, windows); err != nil {
		d.log.Error("attacker windows not saved", "err", err)
	}
}

func (d *ifwd) saveState(ctx context.Context, blob []byte, merr error, positions map[string][]byte) {
	if merr != nil {
		d.log.Error("engine state not saved", "err", merr)
		return
	}
	if err := d.store.PutState(ctx, stateEngine, blob); err != nil {
		d.log.Error("engine state not saved", "err", err)
		return
	}
	for name, pos := range positions {
		if err := d.store.PutState(ctx, stateSourcePrefix+name, pos); err != nil {
			d.log.Error("collector position not saved", "collector", name, "err", err)
		}
	}
}

// saveEvery saves the state at the configured interval until ctx ends.
func (d *ifwd) saveEvery(ctx context.Context) error {
	t := time.NewTicker(d.cfg.daemon.saveInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := d.save(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("state not saved", "err", err)
			}
		}
	}
}
