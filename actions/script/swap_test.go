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

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/actions/program/programtest"
)

// TestExchangeRace is the attack: directories exchanged with
// renameat2(RENAME_EXCHANGE) in a loop while the action runs. The other
// directory holds a program anyone can write, which the check refuses;
// whatever the timing, a run either is refused or runs the checked
// program, never the other one. (Running the path again after checking it
// lost this race dozens of times in 300.)
func TestExchangeRace(t *testing.T) {
	dir := programtest.Dir(t)
	log := filepath.Join(dir, "log")
	good, bad := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, d := range []string{good, bad} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	prog := programtest.Write(t, good, "p", "#!/bin/sh\necho good >> "+log+"\n")
	chmod(t, programtest.Write(t, bad, "p", "#!/bin/sh\necho EVIL >> "+log+"\n"), 0o777)
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
		case errors.Is(err, program.ErrRefused):
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
