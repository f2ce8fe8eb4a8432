package test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// startJournald runs a private systemd-journald in its own mount namespace
// (fresh /run, its volatile journal bind-mounted from dir) so the test sees
// real kernel-transport entries without touching the host's journal. It
// returns the directory journalctl --directory reads.
func startJournald(t *testing.T, dir string) string {
	t.Helper()
	var jd string
	for _, c := range []string{"/usr/lib/systemd/systemd-journald", "/lib/systemd/systemd-journald"} {
		if _, err := os.Stat(c); err == nil {
			jd = c
			break
		}
	}
	mid, err := os.ReadFile("/etc/machine-id")
	if jd == "" || err != nil || len(strings.TrimSpace(string(mid))) == 0 {
		testenv.Missing(t, "needs systemd-journald and /etc/machine-id")
	}
	require(t, "unshare", "setpriv", "journalctl")
	logDir := filepath.Join(dir, "runlog")
	os.MkdirAll(logDir, 0o755)
	script := `mount -t tmpfs ifw-test /run && mkdir -p /run/log && mount --bind "$1" /run/log &&
		mount -t tmpfs ifw-test /var/log &&
		exec setpriv --bounding-set -audit_control,-audit_read,-audit_write "$2"`
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", logDir, jd)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_TARGET=console")
	out := background(t, "journald", cmd)
	journal := filepath.Join(logDir, "journal", strings.TrimSpace(string(mid)))
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if fs, _ := filepath.Glob(filepath.Join(journal, "*.journal")); len(fs) > 0 {
			return journal
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("private journald wrote no journal under %s\n%s", journal, out.String())
	return ""
}

// TestDaemonJournal: the scan's LOG lines read back from a (private, real)
// journald through journalctl -k.
func TestDaemonJournal(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	journalDir := startJournald(t, dir)
	d := startDaemon(t, l.victim, dir, daemonSections(prefix,
		fmt.Sprintf("[source journal]\ntype = journal\ndirectory = %s\nstart = beginning\n", journalDir)))
	l.scan("-sS", "-p", "1-200")
	checkScan(t, l, d, "journal", true)
	d.stop()
}
