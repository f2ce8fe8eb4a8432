package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict"
)

// TestQueueListEscapes is the attack: a local user names a program
// "\r\x1b[2K…" so that `ifw queue list` redraws its line as root's
// apt-get, or puts a newline in the name to forge a whole row. The listing
// shows the characters escaped, one question a line.
func TestQueueListEscapes(t *testing.T) {
	var out bytes.Buffer
	e := newEnv(nil, &out, &out)
	disguise := "/tmp/x\r\x1b[2K   7  root       /usr/bin/apt-get [1] → 192.0.2.1 port 443/tcp"
	forge := "/tmp/y\n   8  root       /usr/bin/apt-get [1] → 192.0.2.1 port 80/tcp"
	qs := []verdict.Question{
		{ID: 1, UID: 1000, User: "al\x1b]0;title\x07", Exe: disguise, PID: 42, Port: 443, Proto: "tcp", Default: "deny", Connections: 1},
		{ID: 2, UID: 1000, User: "al", Exe: forge, PID: 43, Port: 80, Proto: "tcp", Default: "deny", Connections: 1},
	}
	writeQuestions(e.stdout, qs, time.Now())
	got := out.String()
	if strings.ContainsAny(got, "\r\x1b\x07") || strings.Count(got, "\n") != len(qs) {
		t.Fatalf("control characters reach the terminal or rows are forged:\n%q", got)
	}
	for _, want := range []string{`/tmp/x\x0d\x1b[2K`, `/tmp/y\x0a`, `al\x1b]0;title\x07`} {
		if !strings.Contains(got, want) {
			t.Errorf("listing lacks %q:\n%s", want, got)
		}
	}
}

// TestAnalyzeEscapes: a log prefix with terminal escapes (an attacker's
// packet cannot set one, but a forged syslog line can) is shown escaped
// by `ifw analyze`.
func TestAnalyzeEscapes(t *testing.T) {
	var b strings.Builder
	for port := 1; port <= 30; port++ {
		fmt.Fprintf(&b, "Mar 11 20:35:11 host kernel: [463490.251762] \x1b[2K\rEVIL\u202e IN=eth0 OUT= SRC=198.51.100.9 DST=203.0.113.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n", port)
	}
	path := filepath.Join(t.TempDir(), "kern.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(newEnv(nil, &out, &out), []string{"analyze", "--min-level", "0", path}); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if got := out.String(); strings.ContainsAny(got, "\r\x1b\u202e") || !strings.Contains(got, `\x1b[2K\x0dEVIL\u202e`) {
		t.Fatalf("analyze output:\n%q", got)
	}
}
