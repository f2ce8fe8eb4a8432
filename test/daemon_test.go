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

// daemonSections is the configuration of one run: only packets with this
// test's log prefix count (the kernel log is shared with other tests).
func daemonSections(prefix, sources string) string {
	return fmt.Sprintf("[detect]\nrequire_prefix = %s\n\n%s", prefix, sources)
}

// checkScan requires the attacker to be a SYN scanner at level 3 or more,
// as a 200-port nmap scan makes it, with the collector's trust; then 20
// more attackers scan, and the packet→alert-stored latency over all their
// alerts is reported.
func checkScan(t *testing.T, l *lab, d *daemonProc, collector string, trusted bool) {
	t.Helper()
	a := d.waitAttacker(attackerIP, 3, time.Minute)
	if !strings.Contains(scanTypes(a), "syn/tcp") || a["trusted"] != trusted {
		t.Errorf("attacker %v: scans %s, trusted %v (want %v)", a["src"], scanTypes(a), a["trusted"], trusted)
	}
	l.scanFromMany(20, "1-20")
	d.waitAttacker("198.51.100.29", 2, time.Minute)
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range st["collectors"].([]any) {
		c := x.(map[string]any)
		if c["name"] == collector {
			t.Logf("collector %s: stats %v; packet→alert stored: %v", collector, c["stats"], c["alert_latency"])
		}
	}
}

// TestDaemonKmsg: nmap against the victim, LOG lines read from /dev/kmsg.
func TestDaemonKmsg(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	d := startDaemon(t, l.victim, t.TempDir(), daemonSections(prefix, "[source kmsg]\ntype = kmsg\n"))
	l.scan("-sS", "-p", "1-200")
	checkScan(t, l, d, "kmsg", true)
	d.stop()
}

// TestDaemonNFLOG: the same scan, packets from an NFLOG group in the
// victim's namespace.
func TestDaemonNFLOG(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(17)
	d := startDaemon(t, l.victim, t.TempDir(), daemonSections(prefix, "[source nflog]\ntype = nflog\ngroup = 17\n"))
	l.scan("-sS", "-p", "1-200")
	checkScan(t, l, d, "nflog", true)
	d.stop()
}

// TestDaemonSyslogFile: a real rsyslogd writes kern.* to a file the
// daemon follows.
func TestDaemonSyslogFile(t *testing.T) {
	require(t, "ip", "iptables", "nmap", "rsyslogd")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	logFile := startRsyslog(t, dir)
	d := startDaemon(t, l.victim, dir, daemonSections(prefix,
		fmt.Sprintf("[source syslog]\ntype = file\npath = %s\nstart = beginning\n", logFile)))
	l.scan("-sS", "-p", "1-200")
	checkScan(t, l, d, "syslog", false)
	d.stop()
}

// startRsyslog runs a private rsyslogd (imklog only, own config and pid
// file) writing kern.* to DIR/kern.log; it is stopped when the test ends.
func startRsyslog(t *testing.T, dir string) string {
	t.Helper()
	logFile := filepath.Join(dir, "kern.log")
	work := filepath.Join(dir, "rsyslog")
	os.MkdirAll(work, 0o755)
	conf := filepath.Join(dir, "rsyslog.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(
		"global(workDirectory=%q)\nmodule(load=\"imklog\")\nkern.* action(type=\"omfile\" file=%q template=\"RSYSLOG_FileFormat\")\n",
		work, logFile)), 0o644)
	background(t, "rsyslogd", exec.Command("rsyslogd", "-n", "-f", conf, "-i", filepath.Join(dir, "rsyslogd.pid")))
	return logFile
}

// background starts cmd for the rest of the test: it is killed (by PID) and
// reaped when the test ends, and its output shown if the test failed.
func background(t *testing.T, name string, cmd *exec.Cmd) *syncBuffer {
	t.Helper()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s:\n%s", name, out.String())
		}
	})
	return out
}
