package applet

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// Defaults of the zero Config fields.
const (
	DefaultBackoffMin = 500 * time.Millisecond
	DefaultBackoffMax = 30 * time.Second
	DefaultMaxTracked = 256
	// DefaultPostTimeout is long: the daemon may be waiting for the
	// user's answer to a polkit agent's password dialog (Allow always),
	// which polkit ends after 2 minutes.
	DefaultPostTimeout = 150 * time.Second
)

// Limits of the Config fields.
const (
	maxBackoff     = time.Hour
	maxTracked     = 1 << 16
	maxPostTimeout = 10 * time.Minute
)

// Config is the configuration of `ifw applet`.
type Config struct {
	// Socket is the daemon's control socket; "" means
	// control.DefaultSocket.
	Socket string
	// Bus, when set, is the session bus connection to use; the applet
	// does not close it. nil means the applet connects to BusAddress, or
	// to the session bus of its environment, and closes it on return.
	Bus        *dbus.Conn
	BusAddress string
	// BackoffMin and BackoffMax bound the wait before reconnecting to the
	// daemon; 0 means DefaultBackoffMin, DefaultBackoffMax.
	BackoffMin, BackoffMax time.Duration
	// MaxTracked bounds the bubbles whose clicks are awaited (the oldest
	// is forgotten first); 0 means DefaultMaxTracked.
	MaxTracked int
	// Expire is how long a bubble stays: 0 leaves it to the server,
	// notify.ExpireNever keeps it until closed.
	Expire time.Duration
	// Icon is the bubble's icon name; "" means notify.DefaultIcon.
	Icon string
	// PostTimeout bounds posting a choice; 0 means DefaultPostTimeout.
	PostTimeout time.Duration
	// OpenWindow opens the management window (the tray menu's first
	// item); nil means running `ifw ui --socket Socket` (this binary).
	OpenWindow func(ctx context.Context) error
}

// Validate checks c without touching the system.
func (c Config) Validate() error {
	if c.Socket != "" && !filepath.IsAbs(c.Socket) {
		return fmt.Errorf("%w: socket %q is not an absolute path", ErrConfig, c.Socket)
	}
	d := c.withDefaults()
	if d.BackoffMin <= 0 || d.BackoffMax > maxBackoff || d.BackoffMin > d.BackoffMax {
		return fmt.Errorf("%w: backoff %s-%s is not within 0-%s", ErrConfig, d.BackoffMin, d.BackoffMax, maxBackoff)
	}
	if c.MaxTracked < 0 || c.MaxTracked > maxTracked {
		return fmt.Errorf("%w: max tracked %d is not 0-%d", ErrConfig, c.MaxTracked, maxTracked)
	}
	if c.Expire < notify.ExpireNever || (c.Expire > 0 && c.Expire < time.Millisecond) {
		return fmt.Errorf("%w: expire %s is neither 0, never nor at least 1ms", ErrConfig, c.Expire)
	}
	if c.PostTimeout < 0 || c.PostTimeout > maxPostTimeout {
		return fmt.Errorf("%w: post timeout %s is not 0-%s", ErrConfig, c.PostTimeout, maxPostTimeout)
	}
	return nil
}

func (c Config) withDefaults() Config {
	c.Socket = cmp.Or(c.Socket, control.DefaultSocket)
	c.BackoffMin = cmp.Or(c.BackoffMin, DefaultBackoffMin)
	c.BackoffMax = cmp.Or(c.BackoffMax, DefaultBackoffMax)
	c.MaxTracked = cmp.Or(c.MaxTracked, DefaultMaxTracked)
	c.Icon = cmp.Or(c.Icon, notify.DefaultIcon)
	c.PostTimeout = cmp.Or(c.PostTimeout, DefaultPostTimeout)
	return c
}
