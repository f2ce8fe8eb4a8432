package syslog

import (
	"context"
	"fmt"
	"log/slog"
	"log/syslog"
	"sync"

	"github.com/ifw/ifw/alerts"
)

// Writer is a connection to a syslog daemon that writes each Write as one
// message; *syslog.Writer is one.
type Writer interface {
	Write(p []byte) (int, error)
	Close() error
}

// Dialer connects to a syslog daemon, as syslog.Dial does.
type Dialer func(network, addr string, prio syslog.Priority, tag string) (Writer, error)

// dialSyslog is the Dialer of log/syslog.
func dialSyslog(network, addr string, prio syslog.Priority, tag string) (Writer, error) {
	return syslog.Dial(network, addr, prio, tag)
}

// Syslog is an alerts.Action that writes a line per alert to syslog.
type Syslog struct {
	cfg  Config
	dial Dialer
	log  *slog.Logger

	mu sync.Mutex
	w  Writer // nil until the first alert, and after a failed write
}

// New checks cfg and makes a Syslog that dials log/syslog at its first
// alert. A nil log discards.
func New(cfg Config, log *slog.Logger) (*Syslog, error) {
	return NewWithDialer(cfg, dialSyslog, log)
}

// NewWithDialer is New with another way to reach syslog.
func NewWithDialer(cfg Config, dial Dialer, log *slog.Logger) (*Syslog, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Syslog{cfg: cfg, dial: dial, log: log.With("action", cfg.Name)}, nil
}

// Name is Config.Name.
func (s *Syslog) Name() string { return s.cfg.Name }

// Run writes a's line (alerts.Alert.Summary).
func (s *Syslog) Run(ctx context.Context, a alerts.Alert) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line := a.Summary()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		w, err := s.dial(s.cfg.Network, s.cfg.Addr, s.cfg.priority(), s.cfg.Tag)
		if err != nil {
			return fmt.Errorf("syslog %s: connect: %w", s.cfg.Name, err)
		}
		s.w = w
	}
	if _, err := s.w.Write([]byte(line)); err != nil {
		s.closeLocked()
		return fmt.Errorf("syslog %s: write: %w", s.cfg.Name, err)
	}
	return nil
}

// Close closes the connection, if any; the next alert makes another.
func (s *Syslog) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeLocked()
}

func (s *Syslog) closeLocked() error {
	if s.w == nil {
		return nil
	}
	err := s.w.Close()
	s.w = nil
	if err != nil {
		s.log.Debug("syslog connection closed with an error", "err", err)
	}
	return err
}
