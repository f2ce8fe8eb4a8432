package notify

import (
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults of the zero Config fields.
const (
	DefaultBuffer         = 64
	DefaultMaxSubscribers = 32
	// DefaultMaxSubscribersPerUID leaves room for other users' applets
	// when one user opens streams in a loop.
	DefaultMaxSubscribersPerUID = 4
	DefaultMaxPending           = 4096
	DefaultAnswerWindow         = 24 * time.Hour
)

// Limits of the Config fields.
const (
	MaxBuffer         = 4096
	MaxSubscribers    = 1024
	MaxPendingLimit   = 1 << 20
	MinAnswerWindow   = time.Second
	maxFallbackTimout = 5 * time.Minute
)

// Config is the hub's (the "notify" action's) configuration.
type Config struct {
	// Actions are the choices every alert bubble offers, in button order:
	// ActionBlock, ActionWhitelist, ActionIgnore. nil means all three; an
	// empty, non-nil slice means bubbles without buttons.
	Actions []string
	// Buffer is how many events wait for a slow applet before its oldest
	// is dropped; 0 means DefaultBuffer.
	Buffer int
	// MaxSubscribers bounds the applets subscribed at once; 0 means
	// DefaultMaxSubscribers.
	MaxSubscribers int
	// MaxSubscribersPerUID bounds the applets of one uid, so that one
	// user cannot take every subscription; 0 means
	// DefaultMaxSubscribersPerUID (at most MaxSubscribers).
	MaxSubscribersPerUID int
	// MaxPending bounds the events remembered for Choice (the oldest is
	// forgotten first); 0 means DefaultMaxPending.
	MaxPending int
	// AnswerWindow is how long an event can be answered; 0 means
	// DefaultAnswerWindow.
	AnswerWindow time.Duration
	// Fallback shows an alert when no applet is subscribed; nil means Run
	// returns ErrNoApplet then.
	Fallback Fallback
	// Blocked says how an alert's source is blocked already, nil when it
	// is not (Event.Blocked); it is asked once per alert. nil means never
	// blocked.
	Blocked func(ctx context.Context, src netip.Addr) *Blocked
	// Clock is the time source; nil means time.Now.
	Clock func() time.Time
}

// Validate checks c without touching the system.
func (c Config) Validate() error {
	for i, a := range c.Actions {
		if Label(a) == "" {
			return etc.Invalid(ErrConfig, "actions", "unknown action %q", a)
		}
		for _, b := range c.Actions[:i] {
			if a == b {
				return etc.Invalid(ErrConfig, "actions", "action %q twice", a)
			}
		}
	}
	if err := inRange("buffer", c.Buffer, 0, MaxBuffer); err != nil {
		return err
	}
	if err := inRange("max subscribers", c.MaxSubscribers, 0, MaxSubscribers); err != nil {
		return err
	}
	if err := inRange("max subscribers per uid", c.MaxSubscribersPerUID, 0, MaxSubscribers); err != nil {
		return err
	}
	if err := inRange("max pending", c.MaxPending, 0, MaxPendingLimit); err != nil {
		return err
	}
	if c.AnswerWindow != 0 && c.AnswerWindow < MinAnswerWindow {
		return etc.Invalid(ErrConfig, "answer_window", "answer window %s is below %s", c.AnswerWindow, MinAnswerWindow)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Actions == nil {
		c.Actions = DefaultActions()
	}
	c.Buffer = orDefault(c.Buffer, DefaultBuffer)
	c.MaxSubscribers = orDefault(c.MaxSubscribers, DefaultMaxSubscribers)
	c.MaxSubscribersPerUID = min(orDefault(c.MaxSubscribersPerUID, DefaultMaxSubscribersPerUID), c.MaxSubscribers)
	c.MaxPending = orDefault(c.MaxPending, DefaultMaxPending)
	c.AnswerWindow = orDefault(c.AnswerWindow, DefaultAnswerWindow)
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// Defaults of the zero FallbackConfig fields.
const (
	DefaultRuntimeDir      = "/run/user"
	DefaultMinUID          = 1000
	DefaultFallbackTimeout = 10 * time.Second
)

// FallbackConfig is the configuration of SessionFallback.
type FallbackConfig struct {
	// Command is the helper's argv before its flags, run directly (no
	// shell); nil means this executable with "notify-once".
	Command []string
	// RuntimeDir holds the users' runtime directories; "" means
	// DefaultRuntimeDir.
	RuntimeDir string
	// MinUID is the lowest uid notified (below are system users and
	// display managers); 0 means DefaultMinUID.
	MinUID uint32
	// Timeout bounds one helper run; 0 means DefaultFallbackTimeout.
	Timeout time.Duration
	// Runner runs the helper; nil means ExecRunner.
	Runner Runner
}

// Validate checks c without touching the system.
func (c FallbackConfig) Validate() error {
	if len(c.Command) > 0 && !filepath.IsAbs(c.Command[0]) {
		return etc.Invalid(ErrConfig, "command", "helper %q is not an absolute path", c.Command[0])
	}
	if c.Command != nil && len(c.Command) == 0 {
		return etc.Invalid(ErrConfig, "command", "empty helper command")
	}
	if c.RuntimeDir != "" && !filepath.IsAbs(c.RuntimeDir) {
		return etc.Invalid(ErrConfig, "runtime_dir", "runtime dir %q is not an absolute path", c.RuntimeDir)
	}
	if c.Timeout != 0 && (c.Timeout < time.Second || c.Timeout > maxFallbackTimout) {
		return etc.Invalid(ErrConfig, "timeout", "fallback timeout %s is not 1s-%s", c.Timeout, maxFallbackTimout)
	}
	return nil
}

func (c FallbackConfig) withDefaults() FallbackConfig {
	if c.RuntimeDir == "" {
		c.RuntimeDir = DefaultRuntimeDir
	}
	c.MinUID = orDefault(c.MinUID, DefaultMinUID)
	c.Timeout = orDefault(c.Timeout, DefaultFallbackTimeout)
	if c.Runner == nil {
		c.Runner = ExecRunner{}
	}
	return c
}

func inRange(what string, v, lo, hi int) error {
	if v < lo || v > hi {
		return etc.Invalid(ErrConfig, strings.ReplaceAll(what, " ", "_"), "%s %d is not %d-%d", what, v, lo, hi)
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
