package test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDaemonReload: SIGHUP applies new thresholds without losing state; a
// broken configuration is refused and the running one kept.
func TestDaemonReload(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	d := startDaemon(t, l.victim, t.TempDir(), daemonSections(prefix, "[source kmsg]\ntype = kmsg\n"))
	l.scan("-sS", "-p", "1-100") // level 2 with the default 5/15/150
	d.waitAttacker(attackerIP, 2, time.Minute)

	conf, _ := os.ReadFile(d.conf)
	broken := strings.Replace(string(conf), "[detect]", "[detect]\nscan_timeout = soon", 1)
	os.WriteFile(d.conf, []byte(broken), 0o644)
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitLog("reload failed; keeping the running configuration", time.Minute)

	lower := strings.Replace(string(conf), "[detect]", "[detect]\ndanger_levels = 5 15 50 1500 10000", 1)
	os.WriteFile(d.conf, []byte(lower), 0o644)
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitLog("configuration reloaded", time.Minute)
	l.scan("-sS", "-p", "101-120") // 120 packets in all ≥ 50: level 3 only if the state survived
	d.waitAttacker(attackerIP, 3, time.Minute)
	d.stop()
}

// waitLog waits for text in the daemon's log.
func (d *daemonProc) waitLog(text string, within time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(d.logs.String(), text) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.t.Fatalf("daemon never logged %q\n%s", text, d.logs.String())
}
