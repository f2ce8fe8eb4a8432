package main

import (
	"context"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

func TestReportFromLogs(t *testing.T) {
	code, out, errs := runCmd(t, "", "report", "--log", capture)
	if code != exitOK || !strings.Contains(out, "198.51.100.2") {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	// the collectors section counts over the file read
	if !strings.Contains(out, "Counters over the log files read.") || !strings.Contains(out, filepath.Base(capture)) ||
		strings.Contains(out, "No collector health") {
		t.Errorf("collectors section:\n%s", out)
	}
	code, out, _ = runCmd(t, "", "report", "--log", "--format", "html", capture)
	if code != exitOK || !strings.Contains(out, "<svg") || !strings.Contains(out, "198.51.100.2") {
		t.Errorf("html report: exit %d", code)
	}
}

func TestReportFromStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ifw.db")
	ctx := context.Background()
	s, err := alerts.Open(ctx, alerts.Config{Path: db}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, lvl := range []int{1, 2, 4} {
		a := alerts.Alert{Time: now.Add(-time.Duration(3-i) * time.Hour), Host: "fw", Src: netip.MustParseAddr("203.0.113.66"),
			Level: lvl, Packets: 10 * (i + 1), FirstSeen: now.Add(-4 * time.Hour), LastSeen: now.Add(-time.Duration(3-i) * time.Hour)}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	other := alerts.Alert{Time: now.Add(-time.Hour), Host: "other", Src: netip.MustParseAddr("203.0.113.67"), Level: 3, Packets: 5}
	if _, err := s.AddAlert(ctx, &other); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out := filepath.Join(t.TempDir(), "r.json")
	code, _, errs := runCmd(t, "", "report", "--db", db, "--config", "/nonexistent/ifw.conf", "--since", "24h", "--format", "json", "--out", out, "--socket", "/nonexistent.sock")
	b, _ := os.ReadFile(out)
	if code != exitOK || !strings.Contains(string(b), "203.0.113.66") || !strings.Contains(string(b), `"alerts": 4`) {
		t.Errorf("every host: exit %d %s: %s", code, errs, b)
	}
	code, _, errs = runCmd(t, "", "report", "--db", db, "--host", "fw", "--config", "/nonexistent/ifw.conf", "--since", "24h", "--format", "json", "--out", out, "--socket", "/nonexistent.sock")
	b, _ = os.ReadFile(out)
	if code != exitOK || strings.Contains(string(b), "203.0.113.67") || !strings.Contains(string(b), `"alerts": 3`) || !strings.Contains(string(b), `"host": "fw"`) {
		t.Errorf("--host fw: exit %d %s: %s", code, errs, b)
	}
	if code, _, errs := runCmd(t, "", "report", "--db", db, "--format", "pdf"); code != exitFail || !strings.Contains(errs, "--format") {
		t.Errorf("bad format: exit %d %s", code, errs)
	}
}
