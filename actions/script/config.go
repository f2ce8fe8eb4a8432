package script

import (
	"errors"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/etc"
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

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the [action] key.
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

// Validate checks c without I/O: the command line is split and parsed,
// its program is not looked for.
func (c Config) Validate() error {
	if _, err := parseCommand(c.Command); err != nil {
		return &etc.ConfigError{Key: "command", Reason: err.Error(), Err: errors.Join(ErrConfig, err)}
	}
	bad := func(key, format string, args ...any) error { return etc.Invalid(ErrConfig, key, format, args...) }
	switch {
	case c.Mode != "" && c.Mode != ModeAlert && c.Mode != ModeAttacker:
		return bad("mode", "%q is not %q or %q", c.Mode, ModeAlert, ModeAttacker)
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return bad("timeout", "%v is not 0-%v", c.Timeout, MaxTimeout)
	case c.MaxConcurrent < 0 || c.MaxConcurrent > MaxMaxConcurrent:
		return bad("max_concurrent", "%d is not 0-%d", c.MaxConcurrent, MaxMaxConcurrent)
	case c.Window < 0 || c.Window > MaxWindow:
		return bad("window", "%v is not 0-%v", c.Window, MaxWindow)
	case c.Remember < 0 || c.Remember > MaxRemember:
		return bad("remember", "%d is not 0-%d", c.Remember, MaxRemember)
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
