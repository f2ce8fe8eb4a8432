package verdictlog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"log/syslog"
	"strconv"
	"sync/atomic"

	"github.com/ifw/ifw/sources/userdb"
)

// maxBatch bounds the bytes written at once: the lines waiting are
// gathered up to it.
const maxBatch = 64 << 10

// Writer is where syslog lines go: each Write one message. *syslog.Writer
// is one.
type Writer interface {
	Write(p []byte) (int, error)
	Close() error
}

// Dialer connects to syslog.
type Dialer func() (Writer, error)

// dialSyslog connects to the local syslog daemon.
func dialSyslog() (Writer, error) {
	return syslog.New(syslog.LOG_INFO|syslog.LOG_DAEMON, SyslogTag)
}

// Stats are the log's counters since New.
type Stats struct {
	Target      string `json:"target"`       // "syslog" or the file's path
	Written     uint64 `json:"written"`      // lines written
	Dropped     uint64 `json:"dropped"`      // lines dropped: the queue was full
	WriteErrors uint64 `json:"write_errors"` // lines lost to failed writes (a full disk)
	Rotations   uint64 `json:"rotations"`    // file rotations
}

// Log writes the verdict lines. Add is safe for concurrent use; Run
// writes.
type Log struct {
	cfg   Config
	log   *slog.Logger
	dial  Dialer
	queue chan Entry
	users map[uint32]string // owned by Run

	written, dropped, writeErrs, rotations atomic.Uint64
	rotated                                uint64 // Run's count, published to rotations
}

// New checks cfg; nil when cfg logs nothing. The file is opened by Run.
func New(cfg Config, log *slog.Logger) (*Log, error) {
	return NewWithDialer(cfg, dialSyslog, log)
}

// NewWithDialer is New with another way to reach syslog.
func NewWithDialer(cfg Config, dial Dialer, log *slog.Logger) (*Log, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Log{cfg: cfg, log: log, dial: dial, queue: make(chan Entry, cfg.Queue), users: map[uint32]string{}}, nil
}

// Add queues e's line without waiting: a full queue drops it (counted).
func (l *Log) Add(e Entry) {
	select {
	case l.queue <- e:
	default:
		l.dropped.Add(1)
	}
}

// Stats returns the counters.
func (l *Log) Stats() Stats {
	t := "syslog"
	if l.cfg.File != "" {
		t = l.cfg.File
	}
	return Stats{Target: t, Written: l.written.Load(), Dropped: l.dropped.Load(),
		WriteErrors: l.writeErrs.Load(), Rotations: l.rotations.Load()}
}

// sink is where Run writes a batch of lines.
type sink interface {
	write(b []byte) error
	close() error
}

// Run writes the queued lines until ctx ends, then those still queued.
// The file cannot be opened: an error at once. Writes that fail lose
// their lines (counted) and the next batch tries again.
func (l *Log) Run(ctx context.Context) error {
	s, err := l.open()
	if err != nil {
		return err
	}
	defer s.close()
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case e := <-l.queue:
					buf = l.batch(s, buf, e)
				default:
					return nil
				}
			}
		case e := <-l.queue:
			buf = l.batch(s, buf, e)
		}
	}
}

// batch writes e's line and those queued behind it, up to maxBatch.
func (l *Log) batch(s sink, buf []byte, e Entry) []byte {
	buf, n := l.line(buf[:0], e), uint64(1)
	for len(buf) < maxBatch {
		select {
		case e := <-l.queue:
			buf, n = l.line(buf, e), n+1
			continue
		default:
		}
		break
	}
	if err := s.write(buf); err != nil {
		if l.writeErrs.Add(n) == n {
			l.log.Warn("verdict log: write failed; lines are lost until it works", "err", err)
		}
	} else {
		l.written.Add(n)
	}
	l.rotations.Store(l.rotated)
	return buf
}

// line appends e's line, with its user's name.
func (l *Log) line(b []byte, e Entry) []byte {
	if e.User == "" {
		e.User = l.userName(e.UID)
	}
	return e.AppendLine(b)
}

// userName is uid's login name, "" for none; at most 4096 are kept.
func (l *Log) userName(uid uint32) string {
	if n, ok := l.users[uid]; ok {
		return n
	}
	n := ""
	if u, err := userdb.LookupID(strconv.FormatUint(uint64(uid), 10)); err == nil {
		n = u.Username
	}
	if len(l.users) < 4096 {
		l.users[uid] = n
	}
	return n
}

// open opens the file, or the syslog sink.
func (l *Log) open() (sink, error) {
	if l.cfg.File != "" {
		return openFile(l.cfg.File, l.cfg.MaxSize, l.cfg.Keep, &l.rotated)
	}
	return &syslogSink{dial: l.dial}, nil
}

// syslogSink sends each line as one message, dialling again after a
// failure.
type syslogSink struct {
	dial Dialer
	w    Writer
}

func (s *syslogSink) write(b []byte) error {
	if s.w == nil {
		w, err := s.dial()
		if err != nil {
			return fmt.Errorf("verdictlog: connect to syslog: %w", err)
		}
		s.w = w
	}
	var errs []error
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if _, err := s.w.Write(b[:i]); err != nil {
			errs = append(errs, err)
		}
		b = b[min(i+1, len(b)):]
	}
	if err := errors.Join(errs...); err != nil {
		_ = s.w.Close()
		s.w = nil
		return err
	}
	return nil
}

func (s *syslogSink) close() error {
	if s.w == nil {
		return nil
	}
	return s.w.Close()
}
