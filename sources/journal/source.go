package journal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/ifw/ifw/sources"
)

// Source reads firewall packets from the journal through journalctl. Run
// must not be called concurrently with itself; the other methods are safe
// at any time.
type Source struct {
	cfg   Config
	log   *slog.Logger
	stats sources.Stats

	mu     sync.Mutex
	cursor []byte // of the last entry handled
}

var _ sources.Source = (*Source)(nil)

// New checks cfg.
func New(cfg Config, log *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Source{cfg: cfg, log: log, cursor: []byte(cfg.AfterCursor)}, nil
}

// Name is the configured source name.
func (s *Source) Name() string { return s.cfg.Name }

// Stats returns the source's counters.
func (s *Source) Stats() *sources.Stats { return &s.stats }

// LastCursor is the cursor of the last entry handled (handed on as a
// packet, or skipped), or Config.AfterCursor before any: what the daemon
// saves to resume.
func (s *Source) LastCursor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.cursor)
}

func (s *Source) setCursor(c string) {
	if c == "" {
		return
	}
	s.mu.Lock()
	s.cursor = append(s.cursor[:0], c...)
	s.mu.Unlock()
}

// Run runs journalctl and hands on packets until ctx ends (it then kills
// and waits for the child and returns nil) or journalctl exits (an error
// matching ErrExited). A restarted Run resumes after LastCursor.
func (s *Source) Run(ctx context.Context, out chan<- *sources.Packet) error {
	cursor := s.LastCursor()
	cctx, kill := context.WithCancel(ctx)
	defer kill()
	c, err := s.start(cctx, s.cfg.args(cursor))
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer c.stdout.Close()
	lines := s.stats.Lines.Load()
	readErr := s.readAll(ctx, c.stdout, out)
	if !errors.Is(readErr, io.EOF) {
		kill()
	}
	waitErr := c.cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil
	case !errors.Is(readErr, io.EOF):
		return fmt.Errorf("journal: read journalctl output: %w", readErr)
	case cursor != "" && s.stats.Lines.Load() == lines && waitErr != nil && c.badCursor():
		s.log.Warn("journal: journalctl refused the cursor; the next run starts without it", "cursor", cursor)
		s.forgetCursor(cursor)
	}
	return c.exitError(waitErr)
}

// forgetCursor drops cursor, unless an entry came since.
func (s *Source) forgetCursor(cursor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if string(s.cursor) == cursor {
		s.cursor = s.cursor[:0]
	}
}

// readAll hands on the entries read from r until it fails or ctx ends; a
// read blocked on the child's output ends with ctx too.
func (s *Source) readAll(ctx context.Context, r *os.File, out chan<- *sources.Packet) error {
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		_ = r.SetReadDeadline(time.Unix(1, 0))
	})
	defer func() {
		if !stop() {
			<-done
		}
	}()
	return s.newHandler().read(ctx, r, out)
}
