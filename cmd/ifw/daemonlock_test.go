package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ifw/ifw/etc/config"
)

// TestDaemonNeedsConfig: the daemon does not start on a missing
// configuration file (ifw config check fails on it too) unless --defaults
// asks for the built-in defaults.
func TestDaemonNeedsConfig(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "ifw.conf")
	_, err := config.LoadFile(absent, false)
	if err == nil || !strings.Contains(err.Error(), "--defaults") || !strings.Contains(err.Error(), absent) {
		t.Errorf("missing file without --defaults: %v", err)
	}
	cfg, err := config.LoadFile(absent, true)
	if err != nil || cfg.Path != config.DefaultsPath || len(cfg.Sources) != 1 {
		t.Errorf("missing file with --defaults: %v %+v", err, cfg)
	}
	if code, _, errs := runCmd(t, "", "daemon", "--config", absent); code != exitUsage || !strings.Contains(errs, "--defaults") {
		t.Errorf("ifw daemon on a missing file: exit %d, %q", code, errs)
	}
	if code, _, errs := runCmd(t, "", "config", "check", "--config", absent); code == exitOK {
		t.Errorf("ifw config check on a missing file: exit %d, %q", code, errs)
	}
}

// TestStateDirLock: one daemon per state directory; the refusal names the
// holder's PID; the lock is free again once released.
func TestStateDirLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	first, err := lockStateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockStateDir(dir)
	var inUse *InUseError
	if !errors.As(err, &inUse) || inUse.PID != os.Getpid() {
		t.Fatalf("second lock: %v", err)
	}
	if !strings.Contains(err.Error(), "PID "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), dir) {
		t.Errorf("message %q names neither the PID nor the directory", err)
	}
	first.release()
	again, err := lockStateDir(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.release()
}
