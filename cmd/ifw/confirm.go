package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// errNotConfirmed: a command that needs --yes ran without it, and there
// was no terminal to ask (a script, a pipe), or the user said no.
var errNotConfirmed = errors.New("not confirmed")

// maxAnswerLine bounds what confirm reads of stdin.
const maxAnswerLine = 4096

// confirm asks question on stderr and reads y/N from stdin when stdin is
// a terminal; yes (--yes) skips the question. Without a terminal it
// refuses, saying how to proceed: a script must say --yes.
func confirm(e env, yes bool, question string) error {
	if yes {
		return nil
	}
	if !e.stdinTTY {
		return fmt.Errorf("%w: %s; stdin is not a terminal to ask, so say --yes to do it", errNotConfirmed, question)
	}
	fmt.Fprintf(e.stderr, "%s [y/N] ", question)
	line, err := bufio.NewReaderSize(io.LimitReader(e.stdin, maxAnswerLine), maxAnswerLine).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return fmt.Errorf("%w: nothing done", errNotConfirmed)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
