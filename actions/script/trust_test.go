package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/actions/program/programtest"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/testenv"
)

// TestRefused: New refuses a program that actions/program does not trust
// (its own tests hold the whole rule), and says why.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the command line
	}{
		{"world-writable program", func(t *testing.T, dir string) string {
			return chmod(t, programtest.Write(t, dir, "p", "#!/bin/sh\n"), 0o757)
		}},
		{"relative path", func(*testing.T, string) string { return "bin/true" }},
		{"not in the command's PATH", func(*testing.T, string) string { return "PATH=/nonexistent true" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := tc.setup(t, programtest.Dir(t))
			_, err := New(Config{Name: "x", Command: cmd + " SRCIP"}, nil)
			var re *program.RefusedError
			if !errors.Is(err, program.ErrRefused) || !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "script x: ") {
				t.Fatalf("New(%s): %v; want a *RefusedError", cmd, err)
			}
			t.Log(err)
		})
	}
}

// TestRefusedBeforeRun: the check runs again before every run.
func TestRefusedBeforeRun(t *testing.T) {
	dir := programtest.Dir(t)
	ran := filepath.Join(dir, "ran")
	prog := programtest.Write(t, dir, "p", "#!/bin/sh\ntouch "+ran+"\n")
	s, err := New(Config{Command: prog}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chmod(t, prog, 0o777)
	if err := s.Run(context.Background(), sampleAlert("198.51.100.7")); !errors.Is(err, program.ErrRefused) {
		t.Fatalf("run of a world-writable program: %v", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("the refused program ran")
	}
}

// TestTrustedSystemProgram: a program found in the default PATH through
// symbolic links (/bin -> usr/bin on merged-/usr systems) is accepted.
func TestTrustedSystemProgram(t *testing.T) {
	testenv.Root(t) // the programs must be root's
	s, err := New(Config{Command: "true SRCIP"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), alerts.Alert{}); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, p string, mode os.FileMode) string {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}
