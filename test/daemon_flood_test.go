package test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDaemonFlood: a million spoofed sources through the file collector
// keep the daemon's memory bounded (engine state is) and its control socket
// answering.
func TestDaemonFlood(t *testing.T) {
	require(t, "ip")
	const lines = 1_000_000
	dir := t.TempDir()
	logFile := filepath.Join(dir, "flood.log")
	writeFlood(t, logFile, lines)
	l := newLab(t)
	d := startDaemon(t, l.victim, dir, fmt.Sprintf("[source flood]\ntype = file\npath = %s\nstart = beginning\n", logFile))
	deadline := time.Now().Add(3 * time.Minute)
	var worst time.Duration
	for time.Now().Before(deadline) {
		began := time.Now()
		st, err := d.status()
		worst = max(worst, time.Since(began))
		if err != nil {
			t.Fatalf("status during the flood: %v", err)
		}
		if collectorLines(st, "flood") >= lines {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	hwm := vmHWM(t, d.cmd.Process.Pid)
	t.Logf("1M spoofed sources: peak RSS %d MiB, slowest status answer %s", hwm>>20, worst)
	if hwm > 256<<20 {
		t.Errorf("peak RSS %d MiB, want at most 256 MiB", hwm>>20)
	}
	d.stop()
}

// writeFlood writes n firewall lines, each from its own source address.
func writeFlood(t *testing.T, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		fmt.Fprintf(w, "2026-11-21T10:00:%02d.000000+00:00 fw kernel: DROP IN=eth0 OUT= SRC=%d.%d.%d.%d DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=%d PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n",
			i/20000%60, 11+i>>16&0xff, i>>8&0xff, i&0xff, 1+i%250, i&0xffff)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func collectorLines(st map[string]any, name string) float64 {
	for _, x := range st["collectors"].([]any) {
		c := x.(map[string]any)
		if c["name"] == name {
			return c["stats"].(map[string]any)["lines"].(float64)
		}
	}
	return 0
}

// vmHWM is a process's peak resident set size, in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
