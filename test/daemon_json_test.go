package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemonJSONLists: every list of every JSON output is [] when empty,
// never null: the status of a daemon that saw nothing, the block, whitelist,
// queue and rules listings, and ifw analyze --json of an attacker without
// signatures.
func TestDaemonJSONLists(t *testing.T) {
	require(t, "ip", "iptables", "ipset")
	l := newLab(t)
	dir := t.TempDir()
	for _, f := range []string{"none.log", "rules", "whitelist"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := startDaemon(t, l.victim, dir, fmt.Sprintf("[source none]\ntype = file\npath = %s\n\n[block]\nwhitelist = %s\n\n"+
		"[verdict]\nenabled = yes\nqueue = %s\nrules = %s\n",
		filepath.Join(dir, "none.log"), filepath.Join(dir, "whitelist"), verdictQueue, filepath.Join(dir, "rules")))
	for _, args := range [][]string{
		{"status", "--json"},
		{"block", "list", "--json"},
		{"whitelist", "list", "--json"},
		{"queue", "list", "--json"},
		{"rules", "list", "--json"},
	} {
		out, err := exec.Command(ifwBin, append(args, "--socket", d.socket)...).CombinedOutput()
		if err != nil {
			t.Errorf("ifw %s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		checkNoNull(t, "ifw "+strings.Join(args, " "), out)
	}
	d.stop()

	var log strings.Builder
	for port := 1; port <= 20; port++ {
		fmt.Fprintf(&log, "%s fw kernel: DROP IN=eth0 OUT= SRC=198.51.100.9 DST=203.0.113.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
			time.Now().Format(time.RFC3339), port*1000)
	}
	cmd := exec.Command(ifwBin, "analyze", "--json", "-")
	cmd.Stdin = strings.NewReader(log.String())
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		t.Fatalf("ifw analyze --json: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		checkNoNull(t, "ifw analyze --json", []byte(line))
	}
}

// checkNoNull fails when the JSON document holds a null anywhere.
func checkNoNull(t *testing.T, what string, doc []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Errorf("%s: %v\n%s", what, err, doc)
		return
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case nil:
			t.Errorf("%s: %s is null", what, path)
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("$", v)
}
