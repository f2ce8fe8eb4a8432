package kmsg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/ifw/ifw/sources"
)

// Source reads firewall packets from /dev/kmsg. Run must not be called
// concurrently with itself; the other methods are safe at any time.
type Source struct {
	cfg       Config
	log       *slog.Logger
	bootID    string
	fromStart bool // read the ring from its oldest record when nothing was handed on yet
	stats     sources.Stats
	last      atomic.Uint64 // sequence number of the last record handed on, plus one; 0: none
	open      opener
	clock     bootClock // nil when Config.BootTime is set
}

var _ sources.Source = (*Source)(nil)

// New checks cfg and reads the current boot ID.
func New(cfg Config, log *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	id, err := os.ReadFile(cfg.BootIDPath)
	if err != nil {
		return nil, fmt.Errorf("kmsg: read boot ID: %w", err)
	}
	s := &Source{cfg: cfg, log: log, bootID: string(bytes.TrimSpace(id)), open: openDevice}
	if cfg.BootTime.IsZero() {
		s.clock = monotonicBoot
	}
	s.fromStart = !cfg.StartAtEnd || cfg.Resume != nil
	if r := cfg.Resume; r != nil {
		if r.BootID == "" || r.BootID == s.bootID {
			s.last.Store(r.Seq + 1)
		} else {
			log.Info("kmsg: saved position is from another boot; reading this boot's records from the oldest",
				"saved_boot", r.BootID, "boot", s.bootID)
		}
	}
	return s, nil
}

// Name is the configured source name.
func (s *Source) Name() string { return s.cfg.Name }

// Stats returns the source's counters.
func (s *Source) Stats() *sources.Stats { return &s.stats }

// LastSeq is the sequence number of the last record handed on (0 before
// any; see Position to tell the two apart).
func (s *Source) LastSeq() uint64 {
	if v := s.last.Load(); v > 0 {
		return v - 1
	}
	return 0
}

// Position is what the daemon saves to resume after a restart: it is false
// until a record has been handed on (or a Position of this boot resumed).
func (s *Source) Position() (Position, bool) {
	v := s.last.Load()
	if v == 0 {
		return Position{BootID: s.bootID}, false
	}
	return Position{BootID: s.bootID, Seq: v - 1}, true
}

// Run reads records until ctx ends, then returns nil. A restarted Run
// resumes after the last record handed on.
func (s *Source) Run(ctx context.Context, out chan<- *sources.Packet) error {
	atEnd := !s.fromStart && s.last.Load() == 0
	r, err := s.open(s.cfg.Path, atEnd)
	if err != nil {
		return fmt.Errorf("kmsg: open %s: %w", s.cfg.Path, err)
	}
	defer r.Close()
	stop := interruptOnDone(ctx, r)
	defer stop()
	return s.loop(ctx, r, out)
}

// interruptOnDone interrupts r's reads when ctx ends. The returned stop
// returns only when no interrupt is running, so nothing outlives Run.
func interruptOnDone(ctx context.Context, r recordReader) (stop func()) {
	done := make(chan struct{})
	after := context.AfterFunc(ctx, func() {
		defer close(done)
		r.Interrupt()
	})
	return func() {
		if !after() {
			<-done
		}
	}
}

// loop reads and hands on records until ctx ends or a read fails.
func (s *Source) loop(ctx context.Context, r recordReader, out chan<- *sources.Packet) error {
	st := s.newStamps()
	buf := make([]byte, recordSize)
	for {
		n, err := r.Read(buf)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, syscall.EPIPE):
			s.log.Debug("kmsg: records overwritten before they were read")
			continue
		case err != nil:
			return fmt.Errorf("kmsg: read %s: %w", s.cfg.Path, err)
		}
		if err := s.record(ctx, st, buf[:n], out); err != nil {
			return nil // only ctx ends a Feed
		}
	}
}

// record hands on one record, unless it was handed on before.
func (s *Source) record(ctx context.Context, st *stamps, rec []byte, out chan<- *sources.Packet) error {
	line := messageLine(rec)
	seq, ok := recordSeq(line)
	if !ok {
		s.stats.Lines.Add(1)
		s.stats.Malformed.Add(1)
		s.log.Debug("kmsg: record without a sequence number", "record", string(line[:min(len(line), 80)]))
		return nil
	}
	if !s.advance(seq) {
		return nil
	}
	if err := st.parser().Feed(ctx, line, out, &s.stats, s.malformed); err != nil {
		return err
	}
	s.last.Store(seq + 1)
	return nil
}

// advance reports whether seq comes after the last record handed on, and
// counts the records between them as dropped.
func (s *Source) advance(seq uint64) bool {
	next := s.last.Load()
	switch {
	case next == 0:
		return true
	case seq < next:
		return false
	}
	if gap := seq - next; gap > 0 {
		s.stats.Dropped.Add(gap)
		s.log.Debug("kmsg: records lost", "count", gap, "after_seq", next-1)
	}
	return true
}

func (s *Source) malformed(err error) {
	s.log.Debug("kmsg: malformed firewall line", "err", err)
}
