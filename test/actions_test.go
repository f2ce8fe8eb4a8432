package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestActionScript: a psad-style EXTERNAL_SCRIPT runs once per attacker
// with SRCIP and DL substituted as whole arguments and IFW_* in its
// environment, never through a shell.
func TestActionScript(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	out := filepath.Join(dir, "runs.jsonl")
	hook := filepath.Join(dir, "hook.sh")
	os.WriteFile(hook, []byte(fmt.Sprintf("#!/bin/sh\nprintf '{\"argv\":\"%%s\",\"env_src\":\"%%s\",\"who\":\"%%s\"}\\n' \"$*\" \"$IFW_SRCIP\" \"$WHO\" >> %s\n", out)), 0o755)
	d := startDaemon(t, l.victim, dir, daemonSections(prefix, "[source kmsg]\ntype = kmsg\n")+fmt.Sprintf(
		"\n[action hook]\ntype = script\ncommand = WHO=ifw %s \"Intrusion detected from SRCIP\" DL\nmode = attacker\nmin_level = 2\n", hook))
	l.scan("-sS", "-p", "1-200")
	d.waitAttacker(attackerIP, 3, time.Minute)
	waitFor(t, "the script's run", time.Minute, func() bool { b, _ := os.ReadFile(out); return len(b) > 0 })
	time.Sleep(500 * time.Millisecond) // a second run, if any, would show now
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 {
		t.Errorf("attacker mode ran %d times: %s", len(lines), b)
	}
	var run map[string]string
	if err := json.Unmarshal([]byte(lines[0]), &run); err != nil {
		t.Fatalf("%v: %s", err, lines[0])
	}
	if run["argv"] != "Intrusion detected from "+attackerIP+" 2" || run["env_src"] != attackerIP || run["who"] != "ifw" {
		t.Errorf("script saw %v", run)
	}
	d.stop()
}
