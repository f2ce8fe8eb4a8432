package test

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestDaemonRestart: kill -9 in the middle of a scan, restart; the scan
// goes on to the level of all its packets (the engine state and the kmsg
// position were saved) and every level's alert is in the store.
func TestDaemonRestart(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	d := startDaemon(t, l.victim, dir, daemonSections(prefix, "[source kmsg]\ntype = kmsg\n"))
	l.scan("-sS", "-p", "1-100") // 100 packets: level 2 (15 ≤ n < 150)
	d.waitAttacker(attackerIP, 2, time.Minute)
	time.Sleep(2500 * time.Millisecond) // two saves at save_interval = 1s
	d.kill9()
	d.start()
	l.scan("-sS", "-p", "101-200") // 200 in all: level 3, only if the state survived
	a := d.waitAttacker(attackerIP, 3, time.Minute)
	if n := a["packets"].(float64); n < 200 {
		t.Errorf("after the restart the attacker has %v packets, want at least 200", n)
	}
	d.stop()
	levels := storedLevels(t, filepath.Join(dir, "ifw.db"), attackerIP)
	for _, want := range []int{1, 2, 3} {
		if !levels[want] {
			t.Errorf("no stored alert at level %d (have %v)", want, levels)
		}
	}
}

// TestDaemonKill9AfterAlert: kill -9 right after an alert, long before
// the next periodic save (save_interval 1h); after the restart the
// attacker is in the status, as its stored alerts say.
func TestDaemonKill9AfterAlert(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	l := newLab(t)
	prefix := l.logRules(0)
	dir := t.TempDir()
	d := startDaemonSaving(t, l.victim, dir, time.Hour, daemonSections(prefix, "[source kmsg]\ntype = kmsg\n"))
	l.scan("-sS", "-p", "1-100")
	d.waitAttacker(attackerIP, 2, 30*time.Second)
	d.kill9()
	d.start()
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	a := findAttacker(st, attackerIP)
	if a == nil || a["danger_level"].(float64) < 2 {
		t.Fatalf("after kill -9 and a restart the attacker is %v; status attackers %v", a, st["attackers"])
	}
	if !strings.Contains(scanTypes(a), "syn/tcp") {
		t.Errorf("recovered attacker: scans %s", scanTypes(a))
	}
	d.stop()
}

// storedLevels reads the alert levels stored for src.
func storedLevels(t *testing.T, db, src string) map[int]bool {
	t.Helper()
	ctx := context.Background()
	s, err := alerts.Open(ctx, alerts.Config{Path: db}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Alerts(ctx, alerts.Query{Src: netip.MustParseAddr(src), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	levels := map[int]bool{}
	for _, a := range list {
		levels[a.Level] = true
	}
	return levels
}
