package main

import (
	"path/filepath"
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
