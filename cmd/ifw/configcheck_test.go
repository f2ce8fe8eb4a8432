package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConf(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigCheckCommand: `ifw config check` takes the shipped file, and
// fails on a bad one with the file:line etc/config gives (its tests cover
// what is caught).
func TestConfigCheckCommand(t *testing.T) {
	code, out, errs := runCmd(t, "", "config", "check", "--config", "../../etc/ifw.conf")
	if code != exitOK || !strings.HasPrefix(out, "ok: ../../etc/ifw.conf: collectors kmsg (kmsg)") {
		t.Errorf("shipped ifw.conf: exit %d, %q %q", code, out, errs)
	}
	bad := writeConf(t, "[daemon]\nsocket =\n")
	if code, _, errs := runCmd(t, "", "config", "check", "--config", bad); code != exitFail || !strings.Contains(errs, bad+":2: [daemon] socket: needs a value") {
		t.Errorf("bad config: exit %d, %q", code, errs)
	}
	if code, _, _ := runCmd(t, "", "config"); code != exitUsage {
		t.Errorf("ifw config without check: exit %d", code)
	}
}
