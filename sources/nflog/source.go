package nflog

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	nflog "github.com/florianl/go-nflog/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/sources"
)

// Source collects the packets of one NFLOG group. Run must not be called
// concurrently with itself; the other methods are safe at any time.
type Source struct {
	cfg   Config
	log   *slog.Logger
	stats sources.Stats

	now    func() time.Time          // for packets without a kernel time stamp
	lookup func(int) (string, error) // interface index to name; nil: the system's
}

var _ sources.Source = (*Source)(nil)

// New checks cfg and returns a Source; it touches nothing until Run.
func New(cfg Config, log *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Source{cfg: cfg.withDefaults(), log: log, now: time.Now}, nil
}

// Name is the configured source name.
func (s *Source) Name() string { return s.cfg.Name }

// Stats returns the source's counters.
func (s *Source) Stats() *sources.Stats { return &s.stats }

// Run binds the group and sends its packets on out until ctx ends, then
// returns nil. A group another socket holds gives a *GroupError matching
// ErrGroupBusy; a receive error other than a buffer overrun ends Run with
// that error for the supervisor to restart it.
func (s *Source) Run(ctx context.Context, out chan<- *sources.Packet) error {
	ns, err := openNetNS(s.cfg.NetNS)
	if err != nil {
		return err
	}
	defer ns.Close()
	nf, err := s.open(ns)
	if err != nil {
		return err
	}
	m := meta{source: s.cfg.Name, names: newIfnames(ns, s.now, s.lookup), now: s.now}
	r := newReceiver(ctx, out, &s.stats, s.log, m)
	return s.serve(ctx, nf, r, "nflog: listening")
}

// serve registers r on nf, logs msg, and receives until ctx ends or r
// stops (a receive error), then closes nf and returns r's error.
func (s *Source) serve(ctx context.Context, nf *nflog.Nflog, r *receiver, msg string) error {
	loop, cancel := context.WithCancel(context.Background())
	if err := nf.RegisterWithErrorFunc(loop, r.hook, r.onError); err != nil {
		cancel()
		_ = nf.Close()
		return s.bindError(err)
	}
	s.log.Info(msg, "group", s.cfg.Group, "name", s.cfg.Name, "netns", s.cfg.NetNS)
	select {
	case <-ctx.Done():
	case <-r.done:
	}
	r.halt(nf.Con)
	cancel()
	if err := nf.Close(); err != nil {
		s.log.Debug("nflog: close", "err", err)
	}
	return r.err
}

// open dials the netfilter netlink socket in ns and sizes its buffer.
func (s *Source) open(ns *netns) (*nflog.Nflog, error) {
	nf, err := nflog.Open(&nflog.Config{
		NetNS:    ns.fd(),
		Group:    s.cfg.Group,
		Copymode: nflog.CopyPacket,
		Bufsize:  uint32(s.cfg.CopyRange), // the copy range
		QThresh:  s.cfg.QThresh,
		Timeout:  s.cfg.timeoutTicks(),
		Flags:    nflog.FlagSeq, // sequence numbers count the drops
		Logger:   libLogger{s.log},
	})
	if err != nil {
		return nil, fmt.Errorf("nflog: open netlink socket: %w", err)
	}
	if err := setReadBuffer(nf.Con, s.cfg.ReadBuffer); err != nil {
		s.log.Warn("nflog: socket receive buffer not set", "bytes", s.cfg.ReadBuffer, "err", err)
	}
	return nf, nil
}

// bindError wraps a failure to bind the group. go-nflog keeps only the
// text of the kernel's answer; the kernel refuses a group bound by another
// socket with EPERM, at the group step, after the steps a missing
// privilege would already have failed.
func (s *Source) bindError(err error) error {
	msg := err.Error()
	busy := strings.Contains(msg, "could not bind to requested group") && strings.Contains(msg, unix.EPERM.Error())
	return &GroupError{Group: s.cfg.Group, Busy: busy, Err: err}
}

// setReadBuffer sets the socket receive buffer, past net.core.rmem_max
// when privileged.
func setReadBuffer(conn *netlink.Conn, n int) error {
	rc, err := conn.SyscallConn()
	if err == nil {
		var serr error
		err = rc.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n)
		})
		if err == nil && serr == nil {
			return nil
		}
	}
	return conn.SetReadBuffer(n)
}

// libLogger passes go-nflog's own messages to slog at debug level: what
// matters reaches Run through the error callback, and the library's
// complaint that it could not unbind after a stop is expected.
type libLogger struct{ log *slog.Logger }

func (l libLogger) Debugf(format string, args ...any) { l.put(format, args) }
func (l libLogger) Errorf(format string, args ...any) { l.put(format, args) }

func (l libLogger) put(format string, args []any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug("go-nflog: " + strings.TrimSpace(fmt.Sprintf(format, args...)))
	}
}
