package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// psadDir is a psad configuration directory: the Debian psad.conf of
// etc/psadconf's tests, with copies of its signatures and auto_dl.
func psadDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"psad.conf", "signatures", "auto_dl"} {
		data, err := os.ReadFile(filepath.Join("../../etc/psadconf/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestImportPsadCommand: --dry-run and no --out print; --out writes a file
// that checks, and refuses to replace one without --force.
func TestImportPsadCommand(t *testing.T) {
	dir := psadDir(t)
	code, out, errs := runCmd(t, "", "import", "psad", dir, "--dry-run")
	if code != exitOK || !strings.Contains(out, "danger_levels = 5 15 150 1500 10000") || strings.Contains(errs, "printed") {
		t.Errorf("--dry-run: exit %d, %q %q", code, out, errs)
	}
	code, out2, errs := runCmd(t, "", "import", "psad", dir)
	if code != exitOK || out2 != out || !strings.Contains(errs, "printed, nothing written") {
		t.Errorf("no --out: exit %d, stderr %q", code, errs)
	}
	conf := filepath.Join(t.TempDir(), "ifw.conf")
	code, out, errs = runCmd(t, "", "import", "psad", dir, "--out", conf)
	if code != exitOK || !strings.Contains(out, "wrote "+conf) || !strings.Contains(out, "ok: "+conf) {
		t.Errorf("--out: exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := runCmd(t, "", "import", "psad", dir, "--out", conf); code != exitFail || !strings.Contains(errs, "exists: --force replaces it") {
		t.Errorf("--out over a file: exit %d, %q", code, errs)
	}
	if code, _, errs := runCmd(t, "", "import", "psad", dir, "--out", conf, "--force"); code != exitOK {
		t.Errorf("--force: exit %d, %q", code, errs)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "psad.conf"), []byte("HOME_NET any;\nSCAN_TIMEOUT 3600\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, "", "import", "psad", bad); code != exitFail || !strings.Contains(errs, filepath.Join(bad, "psad.conf")+":2:") {
		t.Errorf("bad psad.conf: exit %d, %q", code, errs)
	}
	if code, _, _ := runCmd(t, "", "import", "psad", dir, dir); code != exitUsage {
		t.Errorf("two directories: exit %d", code)
	}
}
