package script

import (
	"errors"
	"fmt"
	"time"

	"github.com/ifw/ifw/alerts"
)

// Mode says how often the program runs.
type Mode string

// Modes.
const (
	// ModeAlert runs the program for every alert it is given.
	ModeAlert Mode = "alert"
	// ModeAttacker runs it once per source per Config.Window.
	ModeAttacker Mode = "attacker"
)

// Defaults of the zero Config fields.
const (
	DefaultName          = "script"
	DefaultTimeout       = 30 * time.Second
	DefaultMaxConcurrent = 4
	DefaultWindow        = time.Hour
)

// Limits.
const (
	MaxTimeout       = time.Hour
	MaxMaxConcurrent = 256
	MaxWindow        = 365 * 24 * time.Hour
	MaxRemember      = alerts.MaxRemember
)

// ErrConfig matches every error Config.Validate returns.
var ErrConfig = errors.New("script: invalid config")

// Config is an external script action. Zero fields take their defaults.
type Config struct {
	// Name names the action (DefaultName).
	Name string
	// Command is the command line (see the package comment).
	Command string
	// Mode is ModeAlert (the default) or ModeAttacker.
	Mode Mode
	// Timeout bounds each run (DefaultTimeout).
	Timeout time.Duration
	// MaxConcurrent bounds the runs in progress (DefaultMaxConcurrent).
	MaxConcurrent int
	// Window is, in ModeAttacker, how long after a run for a source the
	// program does not run again for it (DefaultWindow).
	Window time.Duration
	// Remember is, in ModeAttacker, how many sources are remembered
	// (alerts.DefaultRemember); a forgotten source runs again.
	Remember int
}

// ConfigError is a Config field with an invalid value. It matches
// ErrConfig.
type ConfigError struct {
	Field  string
	Reason string
	Err    error // the cause, if any (a *SyntaxError for Command)
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("script config: %s: %s", e.Field, e.Reason)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// Is matches ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Validate checks c without I/O: the command line is split and parsed,
// its program is not looked for.
func (c Config) Validate() error {
	if _, err := parseCommand(c.Command); err != nil {
		return &ConfigError{Field: "Command", Reason: err.Error(), Err: err}
	}
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Mode != "" && c.Mode != ModeAlert && c.Mode != ModeAttacker:
		return bad("Mode", "%q is not %q or %q", c.Mode, ModeAlert, ModeAttacker)
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return bad("Timeout", "%v is not 0-%v", c.Timeout, MaxTimeout)
	case c.MaxConcurrent < 0 || c.MaxConcurrent > MaxMaxConcurrent:
		return bad("MaxConcurrent", "%d is not 0-%d", c.MaxConcurrent, MaxMaxConcurrent)
	case c.Window < 0 || c.Window > MaxWindow:
		return bad("Window", "%v is not 0-%v", c.Window, MaxWindow)
	case c.Remember < 0 || c.Remember > MaxRemember:
		return bad("Remember", "%d is not 0-%d", c.Remember, MaxRemember)
	}
	return nil
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Mode == "" {
		c.Mode = ModeAlert
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Remember == 0 {
		c.Remember = alerts.DefaultRemember
	}
	return c
}
