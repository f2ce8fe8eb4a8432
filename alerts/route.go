package alerts

import (
	"fmt"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
)

// Defaults of the zero Route fields.
const (
	DefaultActionTimeout = 30 * time.Second
	DefaultQueue         = 100
	DefaultInterval      = 10 * time.Minute
	DefaultWorkers       = 1
	// DefaultRemember is how many sources a route's throttle remembers.
	DefaultRemember = 10000
)

// Limits of the Route fields.
const (
	MaxActionTimeout = time.Hour
	MaxQueue         = 1 << 20
	MaxInterval      = 30 * 24 * time.Hour
	MaxWorkers       = 64
	MaxRemember      = 1 << 20
)

// Route sends alerts to one Action (an [action NAME] section of ifw.conf).
// Zero fields take their defaults.
type Route struct {
	Action Action
	// MinLevel is the lowest danger level the action gets (0-5; 0: every
	// alert).
	MinLevel int
	// Timeout bounds each run of the action (DefaultActionTimeout).
	Timeout time.Duration
	// Queue is how many alerts wait for the action at most; past it they
	// are dropped and counted (DefaultQueue).
	Queue int
	// Interval is the per-attacker repeat interval: an alert that brings
	// nothing new about its source (no higher level, no new scan class, no
	// new signature) reaches the action at most once per Interval
	// (DefaultInterval).
	Interval time.Duration
	// Workers is how many runs of the action may be in progress at once
	// (DefaultWorkers).
	Workers int
	// Remember is how many sources the throttle remembers, least recently
	// alerted forgotten first (DefaultRemember). A forgotten source is new
	// again.
	Remember int
}

// name is the action's name, or "" without an action.
func (r Route) name() string {
	if r.Action == nil {
		return ""
	}
	return r.Action.Name()
}

// Validate checks r without I/O. The error is an *etc.ConfigError whose
// Section names the action ("action script") and Key the ifw.conf key.
func (r Route) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &etc.ConfigError{Section: "action " + r.name(), Key: key, Reason: fmt.Sprintf(format, args...), Err: ErrConfig}
	}
	switch {
	case r.Action == nil:
		return bad("", "no action")
	case r.name() == "":
		return bad("", "the action has no name")
	case r.MinLevel < 0 || r.MinLevel > signatures.MaxLevel:
		return bad("min_level", "%d is not 0-%d", r.MinLevel, signatures.MaxLevel)
	case r.Timeout < 0 || r.Timeout > MaxActionTimeout:
		return bad("timeout", "%v is not 0-%v", r.Timeout, MaxActionTimeout)
	case r.Queue < 0 || r.Queue > MaxQueue:
		return bad("queue", "%d is not 0-%d", r.Queue, MaxQueue)
	case r.Interval < 0 || r.Interval > MaxInterval:
		return bad("interval", "%v is not 0-%v", r.Interval, MaxInterval)
	case r.Workers < 0 || r.Workers > MaxWorkers:
		return bad("workers", "%d is not 0-%d", r.Workers, MaxWorkers)
	case r.Remember < 0 || r.Remember > MaxRemember:
		return bad("remember", "%d is not 0-%d", r.Remember, MaxRemember)
	}
	return nil
}

// withDefaults fills the zero fields.
func (r Route) withDefaults() Route {
	if r.Timeout == 0 {
		r.Timeout = DefaultActionTimeout
	}
	if r.Queue == 0 {
		r.Queue = DefaultQueue
	}
	if r.Interval == 0 {
		r.Interval = DefaultInterval
	}
	if r.Workers == 0 {
		r.Workers = DefaultWorkers
	}
	if r.Remember == 0 {
		r.Remember = DefaultRemember
	}
	return r
}
