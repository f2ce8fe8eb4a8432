package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRefusedOpenAncestor: a program whose own directory is root's, but
// with a directory above it that another user owns, is refused: that user
// could exchange the directories between the check and the run.
func TestRefusedOpenAncestor(t *testing.T) {
	dir := trustedDir(t)
	open := filepath.Join(dir, "home")
	bin := filepath.Join(open, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	chown(t, open)
	prog := writeProgram(t, bin, "p", "#!/bin/sh\n")
	_, err := New(Config{Command: prog}, nil)
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, open+" is owned by uid 65534") {
		t.Fatalf("New(%s): %v; want refused for %s", prog, err, open)
	}
}

// TestRunsTheCheckedFile: the file replaced after the check is not the
// one that runs.
func TestRunsTheCheckedFile(t *testing.T) {
	dir := trustedDir(t)
	log := filepath.Join(dir, "log")
	prog := writeProgram(t, dir, "p", "#!/bin/sh\necho good >> "+log+"\n")
	evil := writeProgram(t, dir, "evil", "#!/bin/sh\necho EVIL >> "+log+"\n")
	exe, err := OpenTrusted(prog, prog)
	if err != nil {
		t.Fatal(err)
	}
	defer exe.Close()
	if err := os.Rename(evil, prog); err != nil {
		t.Fatal(err)
	}
	if err := (Command{Path: prog, Exe: exe}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(log); string(b) != "good\n" {
		t.Fatalf("ran %q; want the checked program", b)
	}
}

// TestExchangeRace is the attack: directories exchanged with
// renameat2(RENAME_EXCHANGE) in a loop while the action runs. The other
// directory holds a program anyone can write, which the check refuses;
// whatever the timing, a run either is refused or runs the checked
// program, never the other one. (Running the path again after checking it
// lost this race dozens of times in 300.)
func TestExchangeRace(t *testing.T) {
	dir := trustedDir(t)
	log := filepath.Join(dir, "log")
	good, bad := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, d := range []string{good, bad} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	prog := writeProgram(t, good, "p", "#!/bin/sh\necho good >> "+log+"\n")
	chmod(t, writeProgram(t, bad, "p", "#!/bin/sh\necho EVIL >> "+log+"\n"), 0o777)
	s, err := New(Config{Command: prog}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := unix.Renameat2(unix.AT_FDCWD, good, unix.AT_FDCWD, bad, unix.RENAME_EXCHANGE); err != nil {
				t.Error(err)
				return
			}
		}
	})
	refused, ran := 0, 0
	for range 300 {
		switch err := s.Run(context.Background(), sampleAlert("198.51.100.7")); {
		case errors.Is(err, ErrRefused):
			refused++
		case err != nil:
			t.Error(err)
		default:
			ran++
		}
	}
	close(stop)
	wg.Wait()
	b, _ := os.ReadFile(log)
	t.Logf("300 runs under exchange: %d ran, %d refused", ran, refused)
	if strings.Contains(string(b), "EVIL") {
		t.Fatalf("the unchecked program ran %d times", strings.Count(string(b), "EVIL"))
	}
	if strings.Count(string(b), "good") != ran {
		t.Errorf("%d runs, %d lines from the checked program", ran, strings.Count(string(b), "good"))
	}
}
