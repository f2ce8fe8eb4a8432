package applet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/notify/notifytest"
)

// TestExecWindow: Open management window runs this binary as `ifw ui
// --socket S`; a binary that cannot run is an error.
func TestExecWindow(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	bin := filepath.Join(dir, "ifw")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho \"$@\" > "+out+".tmp && mv "+out+".tmp "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	open := execWindow(func() (string, error) { return bin, nil }, "/run/ifw/x.sock", notifytest.Logger(t))
	if err := open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []byte
	notifytest.WaitFor(t, "the window's command", func() bool {
		got, _ = os.ReadFile(out)
		return len(got) > 0
	})
	if strings.TrimSpace(string(got)) != "ui --socket /run/ifw/x.sock" {
		t.Errorf("ran with %q", got)
	}
	missing := execWindow(func() (string, error) { return filepath.Join(dir, "none"), nil }, "", notifytest.Logger(t))
	if err := missing(context.Background()); err == nil || !strings.Contains(err.Error(), "ifw ui") {
		t.Errorf("a missing binary: %v", err)
	}
}
