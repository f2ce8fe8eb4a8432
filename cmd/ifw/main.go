package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed
	exitUsage = 2 // the command line is wrong
)

// env is what a command sees of the process: its streams, whether stdin
// is a terminal (to ask for a confirmation), and its effective uid (0 in
// tests that build an env by hand).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdinTTY       bool
	euid           int
}

// newEnv is the CLI's env over the process's streams, its output made
// safe for a terminal (termsafe).
func newEnv(stdin io.Reader, stdout, stderr io.Writer) env {
	return env{stdin: stdin, stdout: termsafe.Writer{W: stdout}, stderr: termsafe.Writer{W: stderr}}
}

func main() {
	e := newEnv(os.Stdin, os.Stdout, os.Stderr)
	e.euid = os.Geteuid()
	e.stdinTTY = isTerminal(os.Stdin)
	os.Exit(run(e, os.Args[1:]))
}

// run runs the command line args and returns the exit code: a command's
// own failure (already reported) gives its code; what the command tree
// refuses (an unknown command or flag, missing arguments) is a usage
// error, said on stderr with the command's usage.
func run(e env, args []string) int {
	if args == nil {
		args = []string{} // cobra reads os.Args for nil
	}
	root := newRootCmd(e)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	}
	fmt.Fprintf(e.stderr, "%s: %v\n\n%s", cmd.CommandPath(), err, cmd.UsageString())
	return exitUsage
}
