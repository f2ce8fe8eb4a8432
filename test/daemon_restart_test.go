package test

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
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
