package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScheduledReport: the daemon writes its periodic HTML report, which
// names the scan's attacker.
func TestScheduledReport(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	d := startDaemon(t, l.victim, dir, daemonSections(prefix, "[source kmsg]\ntype = kmsg\n")+
		fmt.Sprintf("\n[report]\nevery = 2s\ndeliver = file\nformat = html\ndir = %s\n", reports))
	l.scan("-sS", "-p", "1-200")
	d.waitAttacker(attackerIP, 3, time.Minute)
	var found string
	waitFor(t, "a report naming the attacker", time.Minute, func() bool {
		files, _ := filepath.Glob(filepath.Join(reports, "ifw-report-*.html"))
		for _, f := range files {
			if b, _ := os.ReadFile(f); strings.Contains(string(b), attackerIP) && strings.Contains(string(b), "<svg") {
				found = f
				return true
			}
		}
		return false
	})
	t.Logf("scheduled report: %s", found)
	d.stop()
}

// unitValues reads the Key=value lines of a systemd unit file (the last
// one wins, as for these keys in systemd).
func unitValues(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// TestReportUnitDirectories: the timer's unit has systemd make the
// directory its report goes to (a fresh install has no
// /var/lib/ifw/reports), with the daemon unit's mode for /var/lib/ifw.
func TestReportUnitDirectories(t *testing.T) {
	report, daemon := unitValues(t, "../etc/ifw-report.service"), unitValues(t, "../etc/ifw.service")
	words := strings.Fields(report["ExecStart"])
	var out string
	for i, w := range words {
		if w == "--out" && i+1 < len(words) {
			out = words[i+1]
		}
	}
	rel, ok := strings.CutPrefix(filepath.Dir(out), "/var/lib/")
	if !ok {
		t.Fatalf("ExecStart writes %q, not under /var/lib", out)
	}
	if dirs := strings.Fields(report["StateDirectory"]); !slices.Contains(dirs, rel) {
		t.Errorf("StateDirectory=%s does not make %s", report["StateDirectory"], filepath.Dir(out))
	}
	if report["StateDirectoryMode"] != daemon["StateDirectoryMode"] {
		t.Errorf("StateDirectoryMode %q, the daemon's %q", report["StateDirectoryMode"], daemon["StateDirectoryMode"])
	}
}

// TestReportPacketTotals: an attacker's packets in the report are all it
// sent, as the daemon's status counts them, not its latest alert's count:
// a second identical scan changes nothing in its picture (no alert) but
// doubles its packets.
func TestReportPacketTotals(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	d := startDaemon(t, l.victim, dir, daemonSections(prefix, "[source kmsg]\ntype = kmsg\n"))
	l.scan("-sS", "-p", "1-200")
	first := d.waitAttacker(attackerIP, 3, 60*time.Second)
	l.scan("-sS", "-p", "1-200")
	var status int
	waitFor(t, "the second scan counted", 30*time.Second, func() bool {
		st, err := d.status()
		if a := findAttacker(st, attackerIP); err == nil && a != nil {
			status = int(a["packets"].(float64))
		}
		return status >= 2*int(first["packets"].(float64))
	})
	d.stop()
	out, err := exec.Command(ifwBin, "report", "--db", filepath.Join(dir, "ifw.db"), "--config", "/nonexistent/ifw.conf",
		"--socket", "/nonexistent.sock", "--since", "1h", "--format", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("ifw report: %v\n%s", err, out)
	}
	var r struct {
		Totals       struct{ Alerts, Packets int }
		TopAttackers []struct {
			Src     string
			Packets int
		} `json:"top_attackers"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.TopAttackers) != 1 || r.TopAttackers[0].Src != attackerIP || r.TopAttackers[0].Packets != status || r.Totals.Packets != status {
		t.Errorf("report %+v; status counts %d packets", r, status)
	}
}
