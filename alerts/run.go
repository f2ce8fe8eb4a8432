package alerts

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

const (
	// recordTimeout bounds the recording of one outcome; it outlives Run's
	// context so that the runs cut short at shutdown are recorded too.
	recordTimeout = 5 * time.Second
	// dropLogEvery is how often drops are logged at most, per action.
	dropLogEvery = time.Minute
	// dropCheckEvery is how often the drop reporter looks for drops it
	// could not log yet.
	dropCheckEvery = 10 * time.Second
)

// Run calls the actions until ctx ends: Route.Workers workers per action,
// each run with its own timeout. When ctx ends the runs in progress are
// cancelled (and recorded), the alerts still queued are dropped and
// counted, and Run returns nil once every worker is gone. Dispatch may be
// called before, during and after Run.
func (d *Dispatcher) Run(ctx context.Context) error {
	if !d.run.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer d.run.Store(false)
	var wg sync.WaitGroup
	for _, l := range d.lanes {
		for range l.Workers {
			wg.Go(func() { d.work(ctx, l) })
		}
	}
	wg.Go(func() { d.reportDrops(ctx) })
	wg.Wait()
	for _, l := range d.lanes {
		if n := l.drain(); n > 0 {
			d.log.Warn("alerts dropped at shutdown", "action", l.name(), "dropped", n)
		}
	}
	d.recordDrops(ctx, recordTimeout)
	return nil
}

// work runs l's action on its queue until ctx ends.
func (d *Dispatcher) work(ctx context.Context, l *lane) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-l.queue:
			if ctx.Err() != nil {
				l.n.dropped.Add(1)
				l.mu.Lock()
				l.keepDropped(j.a.ID, DroppedShutdown)
				l.mu.Unlock()
				return
			}
			d.execute(ctx, l, j)
		}
	}
}

// drain drops what is left in l's queue and returns how many.
func (l *lane) drain() uint64 {
	var n uint64
	for {
		select {
		case j := <-l.queue:
			n++
			l.mu.Lock()
			l.keepDropped(j.a.ID, DroppedShutdown)
			l.mu.Unlock()
		default:
			l.n.dropped.Add(n)
			return n
		}
	}
}

// execute runs one job, counts and records its outcome.
func (d *Dispatcher) execute(ctx context.Context, l *lane, j job) {
	l.n.running.Add(1)
	start := time.Now()
	err := d.call(ctx, l, j.a)
	took := time.Since(start)
	l.n.running.Add(-1)
	l.n.busy.Add(int64(took))
	log := d.log.With("action", l.name(), "alert", j.a.ID, "src", j.a.Src, "why", j.why.String(), "took", took)
	switch {
	case err == nil:
		l.n.ok.Add(1)
		log.Debug("action done")
	case errors.Is(err, ErrSkip):
		l.n.skipped.Add(1)
		log.Debug("action skipped the alert", "why", err)
		var nd *NotDeliveredError
		if errors.As(err, &nd) {
			d.recordOutcome(ctx, l.name(), j.a.ID, Outcome{Action: l.name(), Time: time.Now(), Error: nd.Error()})
		}
		return
	default:
		l.n.failed.Add(1)
		log.Warn("action failed", "err", err)
	}
	d.record(ctx, l.name(), j.a.ID, err, took)
}

// call runs the action with the route's timeout, recovering a panic.
func (d *Dispatcher) call(ctx context.Context, l *lane, a *Alert) (err error) {
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			l.n.panics.Add(1)
			err = &PanicError{Action: l.name(), Value: v, Stack: debug.Stack()}
		}
	}()
	err = l.Action.Run(ctx, *a)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %v: %w", l.Timeout, err)
	}
	return err
}

// record stores the outcome of a run of action for the alert id (alerts
// that were never stored, id 0, have none).
func (d *Dispatcher) record(ctx context.Context, action string, id int64, runErr error, took time.Duration) {
	if d.rec == nil || id == 0 {
		return
	}
	o := Outcome{Action: action, Time: time.Now(), OK: runErr == nil}
	if runErr != nil {
		o.Error = fmt.Sprintf("after %v: %v", took.Round(time.Millisecond), runErr)
	}
	d.recordOutcome(ctx, action, id, o)
}

// recordOutcome stores o for the alert id, if it was stored (id 0: it
// was not) and there is a recorder.
func (d *Dispatcher) recordOutcome(ctx context.Context, action string, id int64, o Outcome) {
	if d.rec == nil || id == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := d.rec.AddOutcome(ctx, id, o); err != nil {
		d.log.Error("outcome not recorded", "action", action, "alert", id, "err", err)
	}
}

// recordDrops records the alerts each action dropped since the last call
// (at most maxDropsKept per action in between; the others are counted
// only), off the detection path, for budget at most: a slow store must
// not hold the reporter, or the daemon's stop, for long.
func (d *Dispatcher) recordDrops(ctx context.Context, budget time.Duration) {
	deadline := time.Now().Add(budget)
	for _, l := range d.lanes {
		l.mu.Lock()
		drops := l.dropped
		l.dropped = nil
		l.mu.Unlock()
		now := time.Now()
		for i, dr := range drops {
			if time.Now().After(deadline) {
				d.log.Warn("dropped alerts not recorded: the store is slow", "action", l.name(), "unrecorded", len(drops)-i)
				break
			}
			d.recordOutcome(ctx, l.name(), dr.id, Outcome{Action: l.name(), Time: now, Error: dr.why})
		}
	}
}

// reportDrops logs each action's drops, at most once per dropLogEvery,
// until ctx ends.
func (d *Dispatcher) reportDrops(ctx context.Context) {
	tick := time.NewTicker(dropCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			d.logDrops(time.Now(), true)
			return
		case <-d.wake:
		case <-tick.C:
		}
		d.logDrops(time.Now(), false)
		d.recordDrops(ctx, dropCheckEvery)
	}
}

// logDrops logs the drops not logged yet of each action whose last such
// log is old enough (or all of them, at the end).
func (d *Dispatcher) logDrops(now time.Time, final bool) {
	for _, l := range d.lanes {
		if !final && now.Sub(l.lastDropLog) < dropLogEvery {
			continue
		}
		n := l.n.unlogged.Swap(0)
		if n == 0 {
			continue
		}
		l.lastDropLog = now
		d.log.Warn("action queue full: alerts dropped", "action", l.name(), "dropped", n,
			"dropped_total", l.n.dropped.Load(), "queue", l.Queue)
	}
}
