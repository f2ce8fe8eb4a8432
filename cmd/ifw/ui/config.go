package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// DefaultGrace is how long the ui waits, once the last page closed,
// before it exits (a page being reloaded or left for another tab
// reconnects well within it).
const DefaultGrace = 10 * time.Second

// Config is what New needs.
type Config struct {
	// Daemon is the control API (a *control.Client).
	Daemon Daemon
	// Out gets the URL with its token as its first line.
	Out io.Writer
	// Open opens the URL in the user's browser; nil prints it only
	// (--no-browser).
	Open func(ctx context.Context, url string) error
	// Grace: once the last page closed, the ui exits after this long
	// without a new one (0: DefaultGrace).
	Grace time.Duration
	// Addr is the IPv4 loopback address to listen on, "127.0.0.1:0"
	// when empty (a free port); the ui also listens on [::1] on the
	// same port when it can.
	Addr string
}

// ErrConfig marks a configuration New refuses.
var ErrConfig = errors.New("ui: bad configuration")

// Validate checks c.
func (c Config) Validate() error {
	switch {
	case c.Daemon == nil:
		return fmt.Errorf("%w: no daemon client", ErrConfig)
	case c.Out == nil:
		return fmt.Errorf("%w: no output for the URL", ErrConfig)
	case c.Grace < 0:
		return fmt.Errorf("%w: negative grace %v", ErrConfig, c.Grace)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Grace == 0 {
		c.Grace = DefaultGrace
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	return c
}

// discard is the logger when none is given.
func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
