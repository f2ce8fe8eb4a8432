package daemon

import (
	"context"
	"strconv"
	"time"

	"github.com/ifw/ifw/signatures"
)

// Keys of the daemon's entries in the store's state table.
const (
	stateEngine       = "engine"
	stateSourcePrefix = "collector:"
)

// restoreEngine loads the engine state the last run saved and reports
// whether it did; a state that does not load is logged and the engine
// starts empty.
func (d *Daemon) restoreEngine(ctx context.Context, e *signatures.Engine) bool {
	blob, ok, err := d.store.State(ctx, stateEngine)
	switch {
	case err != nil:
		d.log.Warn("engine state not read; starting empty", "err", err)
	case !ok:
	default:
		if err := e.RestoreState(blob); err != nil {
			d.log.Warn("engine state not restored; starting empty", "err", err)
			return false
		}
		d.log.Info("engine state restored", "sources", e.Stats().Sources, "bytes", len(blob))
		return true
	}
	return false
}

// positions reads every collector's resume position.
func (d *Daemon) positions() map[string][]byte {
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
func (d *Daemon) save(ctx context.Context) error {
	positions := d.positions()
	lastID := d.writer.lastID.Load() // stored before the engine's picture is taken: in it
	var own engineState
	var sensors []engineState
	var windows []signatures.Window
	if err := d.pipe.doAll(ctx, func(list []hostEngine) {
		own, sensors, windows = snapshot(list, d.windowsOf)
	}); err != nil {
		return err
	}
	if err := d.pipe.barrier(ctx); err != nil {
		return err
	}
	d.saveState(ctx, own.blob, own.err, positions, lastID)
	d.saveSensors(ctx, sensors)
	d.saveWindows(ctx, windows)
	return nil
}

// windowsOf is e's attackers' windows that save writes.
func (d *Daemon) windowsOf(e *signatures.Engine) []signatures.Window {
	return e.Windows(d.windowsWithin())
}

// windowsWithin is how far back from the latest packet save writes the
// attackers' windows: three save intervals, so that a save that came
// late or failed leaves no window unwritten (writing one again is
// harmless).
func (d *Daemon) windowsWithin() time.Duration { return 3 * d.cfg.Daemon.SaveInterval }

// saveWindows stores the packet counts of the attackers' scan windows,
// which reports read (an alert counts only up to the last change).
func (d *Daemon) saveWindows(ctx context.Context, windows []signatures.Window) {
	if err := d.store.PutWindows(ctx, windows); err != nil {
		d.log.Error("attacker windows not saved", "err", err)
	}
}

// saveState writes the engine state, the id of the last alert it holds,
// and the collectors' positions.
func (d *Daemon) saveState(ctx context.Context, blob []byte, merr error, positions map[string][]byte, lastID int64) {
	if merr != nil {
		d.log.Error("engine state not saved", "err", merr)
		return
	}
	if err := d.store.PutState(ctx, stateEngine, blob); err != nil {
		d.log.Error("engine state not saved", "err", err)
		return
	}
	if err := d.store.PutState(ctx, stateAlertID, []byte(strconv.FormatInt(lastID, 10))); err != nil {
		d.log.Error("engine state's last alert not saved", "err", err)
	}
	for name, pos := range positions {
		if err := d.store.PutState(ctx, stateSourcePrefix+name, pos); err != nil {
			d.log.Error("collector position not saved", "collector", name, "err", err)
		}
	}
}

// minAlertSave is the shortest time between two saves an alert asks for.
const minAlertSave = time.Second

// saveEvery saves the state at the configured interval, and soon after an
// alert (at most every minAlertSave), until ctx ends: an attacker seen
// just before a kill -9 is in the state the next start reads. Alerts
// stored after the last save are read back at start (recoverAttackers).
func (d *Daemon) saveEvery(ctx context.Context) error {
	t := time.NewTicker(d.cfg.Daemon.SaveInterval)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.alerted:
			if wait := time.Until(last.Add(min(minAlertSave, d.cfg.Daemon.SaveInterval))); wait > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		}
		if err := d.save(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("state not saved", "err", err)
		}
		last = time.Now()
	}
}
