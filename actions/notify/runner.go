package notify

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Command is one run of the fallback helper: the program, its arguments,
// its whole environment, and the user it runs as.
type Command struct {
	Path       string
	Args       []string // after argv[0]
	Env        []string
	Dir        string
	Credential *syscall.Credential
}

// Runner runs a Command to its end; it is the exec boundary of the
// fallback (tests record what would run).
type Runner interface {
	Run(ctx context.Context, c Command) error
}

// ExecRunner runs commands as processes, directly (no shell), in their own
// session, killed when ctx ends.
type ExecRunner struct{}

// maxHelperOutput bounds the helper output kept for an error message.
const maxHelperOutput = 2 << 10

// Run runs c and waits for it.
func (ExecRunner) Run(ctx context.Context, c Command) error {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = c.Env
	cmd.Dir = c.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.Credential, Setsid: true}
	out := &boundedBuffer{max: maxHelperOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("notify: helper %s: %w: %s", c.Path, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// boundedBuffer keeps the first max bytes written to it.
type boundedBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *boundedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (w *boundedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
