package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ErrExited matches the error Run returns when journalctl ends on its own
// (the supervisor restarts the source).
var ErrExited = errors.New("journal: journalctl exited")

// waitDelay bounds how long Wait waits for the child's output pipes once it
// has exited or been killed.
const waitDelay = time.Second

// stderrLimit is how much of journalctl's stderr an error quotes.
const stderrLimit = 4 << 10

// child is a running journalctl: its stdout to read, its stderr kept.
type child struct {
	cmd    *exec.Cmd
	stdout *os.File
	stderr *headBuffer
}

// start runs journalctl with args; ctx's end kills it.
func (s *Source) start(ctx context.Context, args []string) (*child, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("journal: pipe: %w", err)
	}
	c := &child{
		cmd:    exec.CommandContext(ctx, s.cfg.JournalctlPath, args...),
		stdout: pr,
		stderr: &headBuffer{max: stderrLimit},
	}
	c.cmd.Stdout, c.cmd.Stderr, c.cmd.WaitDelay = pw, c.stderr, waitDelay
	err = c.cmd.Start()
	pw.Close()
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("journal: start %s: %w", s.cfg.JournalctlPath, err)
	}
	return c, nil
}

// exitError describes how journalctl ended on its own.
func (c *child) exitError(waitErr error) error {
	if waitErr == nil {
		waitErr = errors.New("exit status 0")
	}
	msg := strings.TrimSpace(c.stderr.String())
	if msg == "" {
		return fmt.Errorf("%w: %w", ErrExited, waitErr)
	}
	return fmt.Errorf("%w: %w: %s", ErrExited, waitErr, msg)
}

// badCursor reports whether journalctl refused the cursor it was given.
func (c *child) badCursor() bool {
	return strings.Contains(strings.ToLower(c.stderr.String()), "cursor")
}

// headBuffer keeps the first max bytes written to it. Only the child's
// stderr copier writes; it is read after Wait.
type headBuffer struct {
	max int
	b   []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) String() string { return string(h.b) }
