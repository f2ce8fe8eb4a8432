package logfile

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/ifw/ifw/sources"
)

// Source follows one syslog file. It implements sources.Source.
type Source struct {
	cfg   Config
	log   *slog.Logger
	stats sources.Stats

	running atomic.Bool
	// looked is set once a Run has looked for the file: a file found
	// afterwards with no position in it is new and read from offset 0.
	looked atomic.Bool

	mu  sync.Mutex
	pos Offset
}

var _ sources.Source = (*Source)(nil)

// New returns a Source for cfg. A nil log discards.
func New(cfg Config, log *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Source{cfg: cfg, pos: cfg.Start}
	s.log = log.With("source", cfg.Name, "path", cfg.Path)
	return s, nil
}

// Name is the configured name.
func (s *Source) Name() string { return s.cfg.Name }

// Stats are the Source's counters.
func (s *Source) Stats() *sources.Stats { return &s.stats }

// Position is the file and the offset just past the last line handed on.
// It is safe to call at any time; after Run returns it is exact.
func (s *Source) Position() Offset {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos
}

func (s *Source) setPosition(o Offset) {
	s.mu.Lock()
	s.pos = o
	s.mu.Unlock()
}

// Run follows the file and sends its firewall packets on out until ctx is
// cancelled, then returns nil. A second Run of the same Source continues
// from Position. It returns an error only for a failure it cannot wait out
// (an unreadable file, a path that is not a regular file).
func (s *Source) Run(ctx context.Context, out chan<- *sources.Packet) error {
	if !s.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer s.running.Store(false)
	r := newRun(s, out)
	defer r.close()
	err := r.loop(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		s.stats.SetError(err)
		return fmt.Errorf("logfile %s: %w", s.cfg.Name, err)
	}
	return nil
}
