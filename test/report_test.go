package test

import (
	"fmt"
	"os"
	"path/filepath"
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
	d.waitAttacker(attackerIP, 3, 60*time.Second)
	var found string
	waitFor(t, "a report naming the attacker", 15*time.Second, func() bool {
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
