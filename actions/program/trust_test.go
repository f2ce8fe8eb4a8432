package program

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/program/programtest"
)

const nobody = 65534

// open resolves cmd in DefaultPath and opens it, as the actions do.
func open(cmd string) (*os.File, error) {
	path, err := Resolve(cmd, DefaultPath)
	if err != nil {
		return nil, err
	}
	return OpenTrusted(cmd, path)
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the program
	}{
		{"group-writable program", func(t *testing.T, dir string) string {
			return chmod(t, programtest.Write(t, dir, "p", "#!/bin/sh\n"), 0o775)
		}},
		{"world-writable program", func(t *testing.T, dir string) string {
			return chmod(t, programtest.Write(t, dir, "p", "#!/bin/sh\n"), 0o757)
		}},
		{"program not root's", func(t *testing.T, dir string) string {
			return chown(t, programtest.Write(t, dir, "p", "#!/bin/sh\n"))
		}},
		{"not executable", func(t *testing.T, dir string) string {
			return chmod(t, programtest.Write(t, dir, "p", "#!/bin/sh\n"), 0o644)
		}},
		{"not a regular file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "d")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"world-writable directory", func(t *testing.T, dir string) string {
			p := programtest.Write(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o777)
			return p
		}},
		{"sticky world-writable directory", func(t *testing.T, dir string) string {
			p := programtest.Write(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o1777)
			return p
		}},
		{"group-writable directory", func(t *testing.T, dir string) string {
			p := programtest.Write(t, dir, "p", "#!/bin/sh\n")
			chmod(t, dir, 0o775)
			return p
		}},
		{"directory not root's", func(t *testing.T, dir string) string {
			p := programtest.Write(t, dir, "p", "#!/bin/sh\n")
			chown(t, dir)
			return p
		}},
		{"link to a program in an open directory", func(t *testing.T, dir string) string {
			open := filepath.Join(dir, "open")
			if err := os.Mkdir(open, 0o777); err != nil {
				t.Fatal(err)
			}
			chmod(t, open, 0o777)
			target := programtest.Write(t, open, "p", "#!/bin/sh\n")
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
			cmd := tc.setup(t, programtest.Dir(t))
			f, err := open(cmd)
			var re *RefusedError
			if !errors.Is(err, ErrRefused) || !errors.As(err, &re) || re.Program != cmd {
				f.Close()
				t.Fatalf("open(%s): %v; want a *RefusedError", cmd, err)
			}
			t.Log(err)
		})
	}
}

// TestRefusedOpenAncestor: a program whose own directory is root's, but
// with a directory above it that another user owns, is refused: that user
// could exchange the directories between the check and the run.
func TestRefusedOpenAncestor(t *testing.T) {
	dir := programtest.Dir(t)
	open := filepath.Join(dir, "home")
	bin := filepath.Join(open, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	chown(t, open)
	prog := programtest.Write(t, bin, "p", "#!/bin/sh\n")
	_, err := OpenTrusted(prog, prog)
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, open+" is owned by uid 65534") {
		t.Fatalf("OpenTrusted(%s): %v; want refused for %s", prog, err, open)
	}
}

// TestTrusted: a root-only program opens, by its path or by its name in
// the PATH given, and so does a system program reached through symbolic
// links (/bin -> usr/bin on merged-/usr systems).
func TestTrusted(t *testing.T) {
	dir := programtest.Dir(t)
	prog := programtest.Write(t, dir, "p", "#!/bin/sh\n")
	if path, err := Resolve("p", "relative:"+dir); err != nil || path != prog {
		t.Errorf("Resolve(p) = %q, %v; want %s", path, err, prog)
	}
	for _, cmd := range []string{prog, "true", "/bin/true"} {
		f, err := open(cmd)
		if err != nil {
			t.Errorf("open(%s): %v", cmd, err)
			continue
		}
		f.Close()
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
