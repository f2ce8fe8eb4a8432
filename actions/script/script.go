package script

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/alerts"
)

// Script is an alerts.Action that runs an external program.
type Script struct {
	cfg  Config
	cmd  command
	path string        // the program, resolved
	sem  chan struct{} // one token per run in progress
	log  *slog.Logger
	now  func() time.Time

	mu  sync.Mutex
	ran *alerts.SourceLRU[time.Time] // ModeAttacker: when each source last ran
}

// New checks cfg, resolves the program and checks that only root can
// change it (a *program.RefusedError otherwise). A nil log discards.
func New(cfg Config, log *slog.Logger) (*Script, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cmd, err := parseCommand(cfg.Command)
	if err != nil {
		return nil, fmt.Errorf("script %s: %w", cfg.Name, err)
	}
	pathList := cmd.pathOf()
	if pathList == "" {
		pathList = DefaultPath
	}
	path, err := program.Resolve(cmd.program, pathList)
	if err == nil {
		var f *os.File
		if f, err = program.OpenTrusted(cmd.program, path); err == nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("script %s: %w", cfg.Name, err)
	}
	return &Script{
		cfg: cfg, cmd: cmd, path: path, sem: make(chan struct{}, cfg.MaxConcurrent),
		log: log.With("action", cfg.Name, "program", path), now: time.Now,
		ran: alerts.NewSourceLRU[time.Time](cfg.Remember),
	}, nil
}

// Name is Config.Name.
func (s *Script) Name() string { return s.cfg.Name }

// Path is the program's resolved path.
func (s *Script) Path() string { return s.path }

// Run runs the program for a: it waits for a free slot (MaxConcurrent),
// checks the program again and runs it with Config.Timeout. In
// ModeAttacker it returns alerts.ErrSkip for a source it ran for less than
// Window ago.
func (s *Script) Run(ctx context.Context, a alerts.Alert) error {
	if s.cfg.Mode == ModeAttacker && !s.claim(a) {
		return alerts.ErrSkip
	}
	started, err := s.run(ctx, a)
	if !started && s.cfg.Mode == ModeAttacker {
		s.unclaim(a)
	}
	if err != nil {
		return fmt.Errorf("script %s: %w", s.cfg.Name, err)
	}
	s.log.Debug("script ran", "alert", a.ID, "src", a.Src)
	return nil
}

// run waits for a slot, checks the program and runs it; started says
// whether it got as far as running it.
func (s *Script) run(ctx context.Context, a alerts.Alert) (started bool, err error) {
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return false, fmt.Errorf("waiting for a free slot: %w", ctx.Err())
	}
	exe, err := program.OpenTrusted(s.cmd.program, s.path)
	if err != nil {
		return false, err
	}
	defer exe.Close()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	c := s.Command(a)
	c.Exe = exe
	return true, c.Run(ctx)
}

// Command is one run of a program, without a shell (program.Command).
type Command = program.Command

// Command is the run of the program for a: argv with the placeholders
// substituted, and its environment.
func (s *Script) Command(a alerts.Alert) Command {
	ps := placeholders(&a)
	args := make([]string, 0, 1+len(s.cmd.args))
	args = append(args, s.cmd.program)
	for _, arg := range s.cmd.args {
		args = append(args, substitute(arg, ps))
	}
	return Command{Path: s.path, Args: args, Env: environment(s.cmd.assign, ps, a.Trusted)}
}

// claim says whether a's source may run now (ModeAttacker), and if so
// remembers that it ran.
func (s *Script) claim(a alerts.Alert) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if last, ok := s.ran.Get(a.Src); ok && now.Sub(last) < s.cfg.Window {
		return false
	}
	s.ran.Put(a.Src, now)
	return true
}

// unclaim forgets a claim whose program never started.
func (s *Script) unclaim(a alerts.Alert) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ran.Delete(a.Src)
}
