package polkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/etc"
)

const (
	busName   = "org.freedesktop.PolicyKit1"
	objPath   = dbus.ObjectPath("/org/freedesktop/PolicyKit1/Authority")
	iface     = "org.freedesktop.PolicyKit1.Authority"
	flagAllow = uint32(1) // AllowUserInteraction

	// DefaultCheckTimeout bounds a check without user interaction.
	DefaultCheckTimeout = 10 * time.Second
	// DefaultPromptTimeout bounds a check during which an agent may ask
	// the user for a password.
	DefaultPromptTimeout = 2 * time.Minute
)

// Config says how to reach the authority.
type Config struct {
	// Address is the bus's D-Bus address; "" is the system bus
	// (DBUS_SYSTEM_BUS_ADDRESS, else the standard socket).
	Address       string
	CheckTimeout  time.Duration // 0: DefaultCheckTimeout
	PromptTimeout time.Duration // 0: DefaultPromptTimeout
}

// Validate checks c.
func (c Config) Validate() error {
	if c.CheckTimeout < 0 || c.PromptTimeout < 0 {
		return etc.Invalid(ErrConfig, "timeout", "negative timeout")
	}
	return nil
}

// Result is the authority's answer.
type Result struct {
	Authorized bool
	// Challenge: not authorized, but it would be after authentication
	// (the policy says auth_*, and no agent answered or the user
	// dismissed it).
	Challenge bool
	Details   map[string]string
}

// Authority asks polkit. The bus connection is made at the first check
// and again after it breaks; it is safe for concurrent use.
type Authority struct {
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex
	conn *dbus.Conn
	next atomic.Uint64 // cancellation ids
}

// New returns an Authority for cfg; nothing is connected yet.
func New(cfg Config, log *slog.Logger) (*Authority, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.CheckTimeout == 0 {
		cfg.CheckTimeout = DefaultCheckTimeout
	}
	if cfg.PromptTimeout == 0 {
		cfg.PromptTimeout = DefaultPromptTimeout
	}
	return &Authority{cfg: cfg, log: log}, nil
}

// Check asks whether subject s may do action. With interactive, polkit
// may have an authentication agent ask the user (the call then lasts
// until the user answers, PromptTimeout at most); a check that ends with
// ctx is cancelled in polkitd too.
func (a *Authority) Check(ctx context.Context, s Subject, action string, interactive bool) (Result, error) {
	conn, err := a.connection()
	if err != nil {
		return Result{}, err
	}
	timeout, flags := a.cfg.CheckTimeout, uint32(0)
	if interactive {
		timeout, flags = a.cfg.PromptTimeout, flagAllow
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	subject := struct {
		Kind    string
		Details map[string]dbus.Variant
	}{"unix-process", map[string]dbus.Variant{
		"pid":        dbus.MakeVariant(s.PID),
		"start-time": dbus.MakeVariant(s.StartTime),
		"uid":        dbus.MakeVariant(int32(s.UID)),
	}}
	cancelID := "ifw-" + strconv.FormatUint(a.next.Add(1), 10)
	var res Result
	call := conn.Object(busName, objPath).CallWithContext(ctx, iface+".CheckAuthorization", 0,
		subject, action, map[string]string{}, flags, cancelID)
	if call.Err == nil {
		var out struct { // the reply is one struct, (bba{ss})
			Authorized, Challenge bool
			Details               map[string]string
		}
		if call.Err = call.Store(&out); call.Err == nil {
			res = Result(out)
		}
	}
	if call.Err != nil {
		if ctx.Err() != nil && interactive {
			a.cancel(conn, cancelID)
		}
		a.dropIfClosed(conn)
		return Result{}, fmt.Errorf("%w: check %s for pid %d: %w", ErrUnavailable, action, s.PID, call.Err)
	}
	return res, nil
}

// cancel withdraws a pending interactive check (its agent dialog).
func (a *Authority) cancel(conn *dbus.Conn, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.CheckTimeout)
	defer cancel()
	if err := conn.Object(busName, objPath).CallWithContext(ctx, iface+".CancelCheckAuthorization", 0, id).Err; err != nil {
		a.log.Debug("polkit: cancel check", "id", id, "err", err)
	}
}

// connection returns the bus connection, connecting when there is none.
func (a *Authority) connection() (*dbus.Conn, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn != nil && a.conn.Connected() {
		return a.conn, nil
	}
	var conn *dbus.Conn
	var err error
	if a.cfg.Address == "" {
		conn, err = dbus.ConnectSystemBus()
	} else {
		conn, err = dbus.Connect(a.cfg.Address)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: system bus: %w", ErrUnavailable, err)
	}
	a.conn = conn
	return conn, nil
}

// dropIfClosed forgets a connection that broke, so the next check
// connects again.
func (a *Authority) dropIfClosed(conn *dbus.Conn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn == conn && !conn.Connected() {
		a.conn = nil
	}
}

// Close closes the bus connection.
func (a *Authority) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn == nil {
		return nil
	}
	err := a.conn.Close()
	a.conn = nil
	if err != nil && !errors.Is(err, dbus.ErrClosed) {
		return fmt.Errorf("polkit: close: %w", err)
	}
	return nil
}
