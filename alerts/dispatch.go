package alerts

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/etc"
)

// Dispatcher routes alerts to actions off the detection path: Dispatch
// queues an alert for each action whose route wants it and returns at once;
// Run's workers call the actions and record their outcomes.
//
// Per attacker and action, an alert goes through when the action knows
// nothing of its source yet (the source first reached the route's level,
// or was forgotten), when its level is higher than the action was last
// told, when it has a scan class (type and protocol) or a signature the
// action was not told of, and otherwise at most once per Route.Interval.
// What the action was told is remembered only for alerts actually queued:
// an alert dropped on a full queue leaves the news for the next one.
// Intervals are measured on the daemon's clock, not the alerts' times.
//
// Every run's outcome is recorded (OK, or the error with the run's
// duration); runs that return ErrSkip are only counted, except a
// *NotDeliveredError, recorded as not delivered. A dropped alert is
// recorded too (DroppedFull, DroppedShutdown), by the drop reporter, off
// the detection path, up to maxDropsKept per action between its rounds. An action that
// ignores its context's end keeps its worker: its queue then fills and
// overflows into drops, and detection goes on. A Dispatcher is safe for
// concurrent use.
type Dispatcher struct {
	lanes []*lane
	rec   Recorder
	log   *slog.Logger
	now   func() time.Time // the throttle's clock
	wake  chan struct{}    // a drop to report
	run   atomic.Bool
}

// lane is one route's queue, throttle and counters.
type lane struct {
	Route
	queue chan job
	mu    sync.Mutex // the throttle, and the queue's order with it
	thr   *throttle
	n     counters
	// lastDropLog is when drops were last logged (the drop reporter's).
	lastDropLog time.Time
	// dropped are the stored alerts dropped since the drop reporter last
	// recorded them (under mu, at most maxDropsKept).
	dropped []drop
}

// drop is a stored alert an action dropped, and why (DroppedFull,
// DroppedShutdown).
type drop struct {
	id  int64
	why string
}

// maxDropsKept bounds the dropped alerts an action keeps to record
// between two rounds of the drop reporter; past it drops are counted
// only.
const maxDropsKept = 1024

// keepDropped notes that the alert id was dropped, and why, to record it
// (l.mu held).
func (l *lane) keepDropped(id int64, why string) {
	if id != 0 && len(l.dropped) < maxDropsKept {
		l.dropped = append(l.dropped, drop{id: id, why: why})
	}
}

// job is one alert queued for one action.
type job struct {
	a   *Alert // shared by the actions of one Dispatch: read only
	why reason
}

type counters struct {
	dispatched, throttled, dropped, ok, failed, skipped, panics atomic.Uint64
	unlogged                                                    atomic.Uint64 // drops not logged yet
	running                                                     atomic.Int64
	busy                                                        atomic.Int64 // nanoseconds
}

// NewDispatcher checks the routes (Route.Validate, unique action names)
// and makes a Dispatcher. rec records outcomes; nil records none. A nil
// log discards.
func NewDispatcher(routes []Route, rec Recorder, log *slog.Logger) (*Dispatcher, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{rec: rec, log: log.With("module", "dispatch"), now: time.Now, wake: make(chan struct{}, 1)}
	names := map[string]bool{}
	for _, r := range routes {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		if names[r.name()] {
			return nil, &etc.ConfigError{Section: "action " + r.name(), Reason: "two actions with that name", Err: ErrConfig}
		}
		names[r.name()] = true
		r = r.withDefaults()
		d.lanes = append(d.lanes, &lane{Route: r, queue: make(chan job, r.Queue), thr: newThrottle(r.Interval, r.Remember)})
	}
	return d, nil
}

// Dispatch queues a for every action whose route wants it. It never
// blocks: an alert that finds an action's queue full is dropped for that
// action and counted. a is copied; the caller may reuse it.
func (d *Dispatcher) Dispatch(a Alert) {
	var shared *Alert // a's copy, made for the first lane that queues it
	var now time.Time
	for _, l := range d.lanes {
		if a.Level < l.MinLevel {
			continue
		}
		if now.IsZero() {
			now = d.now()
		}
		l.offer(&a, &shared, now, d.wake)
	}
}

// offer queues a copy of a (*shared, made if nil) unless the throttle holds
// a back or the queue is full.
func (l *lane) offer(a *Alert, shared **Alert, now time.Time, wake chan<- struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	why := l.thr.check(a, now)
	if why == reasonNone {
		l.n.throttled.Add(1)
		return
	}
	if *shared == nil {
		c := a.clone()
		*shared = &c
	}
	select {
	case l.queue <- job{a: *shared, why: why}:
		l.thr.note(a, now)
		l.n.dispatched.Add(1)
	default:
		l.n.dropped.Add(1)
		l.n.unlogged.Add(1)
		l.keepDropped(a.ID, DroppedFull)
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// Stats returns each action's counters, by action name.
func (d *Dispatcher) Stats() map[string]ActionStats {
	out := make(map[string]ActionStats, len(d.lanes))
	for _, l := range d.lanes {
		out[l.name()] = ActionStats{
			Dispatched: l.n.dispatched.Load(), Throttled: l.n.throttled.Load(), Dropped: l.n.dropped.Load(),
			OK: l.n.ok.Load(), Failed: l.n.failed.Load(), Skipped: l.n.skipped.Load(), Panics: l.n.panics.Load(),
			Running: int(l.n.running.Load()), Queued: len(l.queue), Busy: time.Duration(l.n.busy.Load()),
		}
	}
	return out
}

// clone copies a and its slices.
func (a *Alert) clone() Alert {
	c := *a
	c.Destinations = slices.Clone(a.Destinations)
	c.Scans = slices.Clone(a.Scans)
	c.Signatures = slices.Clone(a.Signatures)
	c.Outcomes = slices.Clone(a.Outcomes)
	return c
}
