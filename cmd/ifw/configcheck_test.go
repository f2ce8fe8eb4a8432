package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckCatches: what the daemon would refuse (or worse, take
// silently), `ifw config check` refuses first, at file:line, and without
// reading an unbounded file into memory.
func TestConfigCheckCatches(t *testing.T) {
	dir := t.TempDir()
	badWhitelist := filepath.Join(dir, "whitelist")
	os.WriteFile(badWhitelist, []byte("192.0.2.1\nnot an address!\n"), 0o644)
	longAutoDL := filepath.Join(dir, "auto_dl")
	os.WriteFile(longAutoDL, []byte("192.0.2.0/24 0;\n"+strings.Repeat("1", 3<<20)+"\n"), 0o644)
	for _, tc := range []struct {
		name, conf string
		want       string // in stderr, after the file name
	}{
		{"unterminated command", "[action hook]\ntype = script\ncommand = \"unterminated\n", ".conf:3: [action hook]"},
		{"missing program", "[action hook]\ntype = script\ncommand = /nonexistent/ifw-hook SRCIP\n", ".conf:3: [action hook]"},
		{"bad whitelist", "[block]\nwhitelist = " + badWhitelist + "\n", badWhitelist + ":2"},
		{"signatures from /dev/zero", "[detect]\nsignatures = /dev/zero\n", "/dev/zero is not a regular file"},
		{"a 3 MB auto_dl line", "[detect]\nauto_dl = " + longAutoDL + "\n", longAutoDL + ":2: line longer than"},
		{"duplicate section", "[daemon]\nsave_interval = 1m\n\n[daemon]\nsave_interval = 5m\n", ".conf:4: [daemon] written twice (first at line 1)"},
		{"duplicate key", "[daemon]\nsave_interval = 1m\nsave_interval = 5m\n", ".conf:3: [daemon] save_interval written twice (first at line 2)"},
		{"NUL byte in a path", "[daemon]\ndatabase = /var/lib/ifw/x\x00.db\n", ".conf:2: NUL byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := writeConf(t, tc.conf)
			code, out, errs := runCmd(t, "", "config", "check", "--config", conf)
			if code != exitFail || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 with %q", code, out, errs, tc.want)
			}
		})
	}
}
