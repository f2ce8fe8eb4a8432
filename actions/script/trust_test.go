package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/testenv"
)

const nobody = 65534

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the command line
	}{
		{"group-writable program", func(t *testing.T, dir string) string {
			return chmod(t, writeProgram(t, dir, "p", "#!/bin/sh\n"), 0o775)
		}},
		{"world-writable program", func(t *testing.T, dir string) string {
			return chmod(t, writeProgram(t, dir, "p", "#!/bin/sh\n"), 0o757)
		}},
		{"program not root's", func(t *testing.T, dir string) string {
			return chown(t, writeProgram(t, dir, "p", "#!/bin/sh\n"))
		}},
		{"not executable", func(t *testing.T, dir string) string {
			return chmod(t, writeProgram(t, dir, "p", "#!/bin/sh\n"), 0o644)
		}},
		{"world-writable directory", func(t *testing.T, dir string) string {
			p := writeProgram(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o777)
			return p
		}},
		{"sticky world-writable directory", func(t *testing.T, dir string) string {
			p := writeProgram(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o1777)
			return p
		}},
		{"group-writable directory", func(t *testing.T, dir string) string {
			p := writeProgram(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o775)
			return p
		}},
		{"directory not root's", func(t *testing.T, dir string) string {
			p := writeProgram(t, dir, "p", "#!/bin/sh\n")
			chown(t, dir)
			return p
		}},
		{"link to a program in an open directory", func(t *testing.T, dir string) string {
			open := filepath.Join(dir, "open")
			if err := os.Mkdir(open, 0o777); err != nil {
				t.Fatal(err)
			}
			chmod(t, open, 0o777)
			target := writeProgram(t, open, "p", "#!/bin/sh\n")
			link := filepath.Join(dir, "link")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return link
		}},
		{"relative path", func(*testing.T, string) string { return "bin/true" }},
		{"not in PATH", func(*testing.T, string) string { return "no-such-program-ifw" }},
		{"missing", func(_ *testing.T, dir string) string { return filepath.Join(dir, "missing") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := trustedDir(t)
			cmd := tc.setup(t, dir)
			_, err := New(Config{Command: cmd + " SRCIP"}, nil)
			var re *RefusedError
			if !errors.Is(err, ErrRefused) || !errors.As(err, &re) {
				t.Fatalf("New(%s): %v; want a *RefusedError", cmd, err)
			}
			t.Log(err)
		})
	}
}

// TestRefusedBeforeRun: the check runs again before every run.
func TestRefusedBeforeRun(t *testing.T) {
	dir := trustedDir(t)
	ran := filepath.Join(dir, "ran")
	prog := writeProgram(t, dir, "p", "#!/bin/sh\ntouch "+ran+"\n")
	s, err := New(Config{Command: prog}, nil)
	if err != nil {
		t.Fatal(err)
	}
	chmod(t, prog, 0o777)
	if err := s.Run(context.Background(), sampleAlert("198.51.100.7")); !errors.Is(err, ErrRefused) {
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

func chown(t *testing.T, p string) string {
	t.Helper()
	if err := os.Chown(p, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	return p
}
