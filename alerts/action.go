package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Action is something done with an alert: a script, a desktop bubble, a
// syslog line, a mail. The Dispatcher calls Run from its own workers, never
// from the detection path, with a context that ends at the route's timeout
// or when the daemon stops; Run must return soon after it ends.
//
// Actions of one Dispatcher share the alert they are given: Run must not
// modify its slices.
type Action interface {
	// Name names the action in outcomes, statistics and logs; unique in a
	// Dispatcher.
	Name() string
	// Run acts on a. It returns ErrSkip (possibly wrapped) when it chose
	// not to act (a script that runs once per attacker, for a source it
	// has already run for).
	Run(ctx context.Context, a Alert) error
}

// Recorder keeps the outcomes of actions; *Store implements it.
type Recorder interface {
	AddOutcome(ctx context.Context, alertID int64, o Outcome) error
}

// ErrSkip is what an Action returns when it chose not to act on an alert:
// counted as Skipped, no outcome recorded.
var ErrSkip = errors.New("alerts: action skipped the alert")

// NotDeliveredError is what an Action returns when what it delivers had
// no one to go to (a desktop bubble with no applet and no session): a
// skip, counted as Skipped, whose outcome is recorded all the same (OK
// false, Error "not delivered: Why"), so that the alert's history says the
// news went nowhere.
type NotDeliveredError struct{ Why string }

func (e *NotDeliveredError) Error() string { return "not delivered: " + e.Why }

// Is makes a NotDeliveredError match ErrSkip.
func (e *NotDeliveredError) Is(target error) bool { return target == ErrSkip }

// Outcome errors of the alerts an action never ran for.
const (
	DroppedFull     = "dropped: the action's queue was full"
	DroppedShutdown = "dropped: still queued when the daemon stopped"
)

// ErrRunning: Dispatcher.Run called while it already runs.
var ErrRunning = errors.New("alerts: dispatcher is already running")

// PanicError is an Action's panic, recovered by the Dispatcher.
type PanicError struct {
	Action string
	Value  any    // what the action panicked with
	Stack  []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("alerts: action %s panicked: %v", e.Action, e.Value)
}

// ActionStats counts what a Dispatcher did for one action since it was
// made. Every alert at or above the route's level is either Throttled,
// Dropped (queue full, or still queued when Run stopped) or Dispatched; a
// dispatched alert ends OK, Failed or Skipped once its run returns.
type ActionStats struct {
	Dispatched uint64 `json:"dispatched"` // queued for the action
	Throttled  uint64 `json:"throttled"`  // held back by the per-attacker throttle
	Dropped    uint64 `json:"dropped"`    // lost: queue full, or queued at shutdown
	OK         uint64 `json:"ok"`
	Failed     uint64 `json:"failed"`  // errors, timeouts and panics
	Skipped    uint64 `json:"skipped"` // the action returned ErrSkip
	Panics     uint64 `json:"panics"`  // of Failed: recovered panics
	Running    int    `json:"running"` // runs in progress now
	Queued     int    `json:"queued"`  // waiting in the queue now
	// Busy is the total time spent in the action's runs; Busy/(OK+Failed+
	// Skipped) is its mean run time.
	Busy time.Duration `json:"busy_ns"`
}
