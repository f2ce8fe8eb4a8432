package test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemonFutureLine (issue 13 §7): 18 scanners in a followed syslog
// file, then one line dated 6 days ahead (year-less BSD stamp, inside the
// parser's 7-day slack), then a new scanner. The status used to drop to 0
// attackers and the new one stayed invisible; now all 19 are listed and
// the line is counted at the host clock's bound.
func TestDaemonFutureLine(t *testing.T) {
	require(t, "ip")
	dir := t.TempDir()
	logFile := filepath.Join(dir, "kern.log")
	now := time.Now()
	var b strings.Builder
	line := func(at time.Time, src string, port int) {
		fmt.Fprintf(&b, "%s fw kernel: DROP IN=eth0 OUT= SRC=%s DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
			at.Format(time.Stamp), src, port)
	}
	for i := range 18 {
		for port := range 6 {
			line(now, fmt.Sprintf("198.51.100.%d", 10+i), 1+port)
		}
	}
	line(now.Add(6*24*time.Hour), "192.0.2.66", 22)
	for port := range 6 {
		line(now, "198.51.100.99", 1+port)
	}
	if err := os.WriteFile(logFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newLab(t)
	d := startDaemon(t, l.victim, dir, fmt.Sprintf("[source syslog]\ntype = file\npath = %s\nstart = beginning\n", logFile))
	d.waitAttacker("198.51.100.99", 1, 30*time.Second)
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	eng := st["engine"].(map[string]any)
	if n := len(st["attackers"].([]any)); n != 19 || eng["future_times"] != 1.0 || eng["expired"] != 0.0 {
		t.Errorf("%d attackers (want 19), engine %v", n, eng)
	}
	out, err := exec.Command(ifwBin, "status", "--socket", d.socket).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Clock: 1 packets dated ahead of the host clock") {
		t.Errorf("ifw status: %v\n%s", err, out)
	}
	d.stop()
}
