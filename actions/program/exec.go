package program

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/ifw/ifw/alerts"
)

// MaxStderr is how much of a program's standard error a RunError keeps.
const MaxStderr = 4096

// waitDelay is how long a run waits for its output pipes once the program
// has exited or been killed (a child left behind may hold them).
const waitDelay = 2 * time.Second

// DefaultPath is the PATH a program runs with, unless told otherwise.
const DefaultPath = "/usr/sbin:/usr/bin:/sbin:/bin"

// Command is one run of a program, without a shell.
type Command struct {
	Path  string   // absolute
	Args  []string // argv, Args[0] included; empty: Path alone
	Env   []string // the whole environment (nil: empty)
	Stdin []byte   // nil: /dev/null
	// Exe, when set, is the program opened by OpenTrusted: that very file
	// runs (through /proc/self/fd), not whatever Path names by then. Path
	// still names it in errors, and Args[0] is unchanged.
	Exe *os.File
}

// exeFD is the descriptor Exe has in the child: the first after stdin,
// stdout and stderr (exec.Cmd.ExtraFiles).
const exeFD = 3

// RunError is a run that failed: it could not start, exited with a
// status other than 0, or was killed when its context ended (Err then
// matches the context's error).
type RunError struct {
	Path   string
	Status int    // exit status; -1 when killed or not started
	Stderr string // the start of the standard error, on one line
	Err    error
}

func (e *RunError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Path, e.Err)
	if e.Stderr != "" {
		msg += ": stderr: " + e.Stderr
	}
	return msg
}

func (e *RunError) Unwrap() error { return e.Err }

// Run runs c in a process group of its own, in /, and waits for it. When
// ctx ends first, the whole group is killed (SIGKILL).
func (c Command) Run(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, c.Path)
	if len(c.Args) > 0 {
		cmd.Args = c.Args
	}
	if c.Exe != nil {
		// The child execs its own copy of the descriptor: the file that
		// was checked, whatever has been renamed into Path since. A script
		// is handed to its interpreter as /dev/fd/3 the same way.
		cmd.Path = fmt.Sprintf("/proc/self/fd/%d", exeFD)
		cmd.ExtraFiles = []*os.File{c.Exe}
	}
	cmd.Env = append([]string{}, c.Env...) // never nil: nil would inherit ours
	cmd.Dir = "/"
	if c.Stdin != nil {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	var stderr capped
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	if err == nil || errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState.Success() {
		return nil
	}
	re := &RunError{Path: c.Path, Status: -1, Stderr: stderr.String(), Err: err}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		re.Err = fmt.Errorf("killed: %w", ctx.Err())
	case errors.As(err, &ee) && ee.Exited():
		re.Status = ee.ExitCode()
	}
	return re
}

// capped keeps the first MaxStderr bytes written to it.
type capped struct {
	b    []byte
	lost int
}

func (c *capped) Write(p []byte) (int, error) {
	n := min(MaxStderr-len(c.b), len(p))
	c.b = append(c.b, p[:n]...)
	c.lost += len(p) - n
	return len(p), nil
}

func (c *capped) String() string {
	s := alerts.OneLine(strings.TrimSpace(string(c.b)))
	if c.lost > 0 {
		s += fmt.Sprintf(" … (%d more bytes)", c.lost)
	}
	return s
}
