package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"syscall"
)

// Fallback shows a bubble when no applet is subscribed.
type Fallback interface {
	Notify(ctx context.Context, b Bubble) error
}

// SessionFallback runs the one-shot helper (`ifw notify-once`) as every
// user with a session bus, one after the other.
type SessionFallback struct {
	cfg FallbackConfig
	log *slog.Logger
}

// NewSessionFallback makes the fallback; log may be nil. Without
// cfg.Command, the helper is this executable's "notify-once".
func NewSessionFallback(cfg FallbackConfig, log *slog.Logger) (*SessionFallback, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	if cfg.Command == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("notify: fallback helper: %w", err)
		}
		cfg.Command = []string{exe, "notify-once"}
	}
	cfg.Command = slices.Clone(cfg.Command)
	return &SessionFallback{cfg: cfg, log: log}, nil
}

// Notify shows b in every session found; it fails with ErrNoSession when
// there is none, and with the joined errors of the runs that failed.
func (f *SessionFallback) Notify(ctx context.Context, b Bubble) error {
	sessions, err := findSessions(f.cfg.RuntimeDir, f.cfg.MinUID, f.log)
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		return ErrNoSession
	}
	var errs []error
	for _, s := range sessions {
		rctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
		err := f.cfg.Runner.Run(rctx, f.command(s, b))
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("uid %d: %w", s.uid, err))
			continue
		}
		f.log.Info("bubble shown by the fallback helper", "uid", s.uid, "user", s.name)
	}
	return errors.Join(errs...)
}

// command is the helper run for s: as the user (uid, gid, groups), with a
// minimal environment naming the user's bus, the bubble in --flag=value
// arguments (never through a shell).
func (f *SessionFallback) command(s session, b Bubble) Command {
	args := append(slices.Clone(f.cfg.Command[1:]),
		"--bus="+BusAddress(s.bus),
		"--summary="+b.Summary,
		"--body="+b.Body,
		"--urgency="+b.Urgency.String(),
	)
	return Command{
		Path: f.cfg.Command[0],
		Args: args,
		Env: []string{
			"DBUS_SESSION_BUS_ADDRESS=" + BusAddress(s.bus),
			"XDG_RUNTIME_DIR=" + s.runtime,
			"HOME=" + s.home,
			"USER=" + s.name,
			"LOGNAME=" + s.name,
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"LANG=C.UTF-8",
		},
		Dir:        "/",
		Credential: &syscall.Credential{Uid: s.uid, Gid: s.gid, Groups: slices.Clone(s.groups)},
	}
}
