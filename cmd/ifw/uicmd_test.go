package main

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
	"github.com/ifw/ifw/cmd/ifw/ui"
)

// firstLine keeps what is written and calls done once a line is complete.
type firstLine struct {
	mu   sync.Mutex
	b    strings.Builder
	done func()
}

func (f *firstLine) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.b.Write(p)
	if strings.Contains(f.b.String(), "\n") {
		f.done()
	}
	return len(p), nil
}

// TestUICmd: `ifw ui` has --socket and --no-browser, and prints the
// login URL as its first line (then stops with its context).
func TestUICmd(t *testing.T) {
	cmd, _, err := newRootCmd(env{}).Find([]string{"ui"})
	if err != nil || cmd.Name() != "ui" || cmd.Flags().Lookup("no-browser") == nil || cmd.Flag("socket") == nil {
		t.Fatalf("ifw ui: %v %v", cmd, err)
	}
	socket, _ := controltest.Start(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	out := &firstLine{done: cancel}
	var errb strings.Builder
	code := runUI(ctx, env{stdout: out, stderr: &errb}, ui.Config{Daemon: control.NewClient(socket), Out: out})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/login\?token=[A-Za-z0-9_-]{43}\n$`).MatchString(out.b.String()) {
		t.Errorf("stdout %q", out.b.String())
	}
}
