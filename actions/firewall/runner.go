package firewall

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
)

// Result is what a finished command printed and its exit status.
type Result struct {
	Stdout, Stderr []byte
	Code           int
}

// Runner runs a command (argv[0] looked up in PATH). It returns an error
// only when the command could not run or was killed (not found, context
// done); a non-zero exit status is a Result. Exec is the real one; tests
// fake it, or wrap it to run in a network namespace.
type Runner func(ctx context.Context, argv []string) (Result, error)

// Exec runs argv directly (no shell), in the C locale.
func Exec(ctx context.Context, argv []string) (Result, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	err := cmd.Run()
	res := Result{Stdout: out.Bytes(), Stderr: errb.Bytes()}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Exited() && ctx.Err() == nil {
		res.Code = exit.ExitCode()
		return res, nil
	}
	return res, err
}
