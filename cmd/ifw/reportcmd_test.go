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
	s.Close()
	out := filepath.Join(t.TempDir(), "r.json")
	code, _, errs := runCmd(t, "", "report", "--db", db, "--config", "/nonexistent/ifw.conf", "--since", "24h", "--format", "json", "--out", out, "--socket", "/nonexistent.sock")
	b, _ := os.ReadFile(out)
	if code != exitOK || !strings.Contains(string(b), "203.0.113.66") || !strings.Contains(string(b), `"alerts": 3`) {
		t.Errorf("exit %d %s: %s", code, errs, b)
	}
	if code, _, errs := runCmd(t, "", "report", "--db", db, "--format", "pdf"); code != exitFail || !strings.Contains(errs, "--format") {
		t.Errorf("bad format: exit %d %s", code, errs)
	}
}

// TestReportOutCreatesDir: --out into a directory that does not exist yet
// (a fresh install's /var/lib/ifw/reports) creates it, 0750, and writes
// the report 0640, replacing an earlier one whole.
func TestReportOutCreatesDir(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "lib", "ifw", "reports", "daily.html")
	for range 2 {
		if code, _, errs := runCmd(t, "", "report", "--log", "--format", "html", "--out", out, capture); code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{filepath.Join(root, "lib"), 0o750 | os.ModeDir}, {filepath.Dir(out), 0o750 | os.ModeDir}, {out, 0o640}} {
		st, err := os.Lstat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != c.mode {
			t.Errorf("%s: mode %v, want %v", c.path, st.Mode(), c.mode)
		}
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "198.51.100.2") {
		t.Errorf("report: %.200s", b)
	}
	if files, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(files) != 0 {
		t.Errorf("temporary files left: %v", files)
	}
}

// TestReportOutLinks: a symbolic link on the way to --out is followed when
// root or the caller made it, refused when another user planted it (in a
// world-writable directory such as /tmp), and nothing is written then.
func TestReportOutLinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a link to another user")
	}
	root := t.TempDir()
	shared, elsewhere := filepath.Join(root, "tmp"), filepath.Join(root, "elsewhere")
	for _, d := range []string{shared, elsewhere} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(shared, 0o1777); err != nil {
		t.Fatal(err)
	}
	mine, planted := filepath.Join(shared, "mine"), filepath.Join(shared, "planted")
	for _, l := range []string{mine, planted} {
		if err := os.Symlink(elsewhere, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Lchown(planted, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "", "report", "--log", "--out", filepath.Join(planted, "reports", "r.txt"), capture)
	if code != exitFail || !strings.Contains(errs, "symbolic link owned by another user") {
		t.Errorf("planted link: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "reports")); !os.IsNotExist(err) {
		t.Errorf("the planted link was followed: %v", err)
	}
	if code, _, errs := runCmd(t, "", "report", "--log", "--out", filepath.Join(mine, "reports", "r.txt"), capture); code != exitOK {
		t.Errorf("own link: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "reports", "r.txt")); err != nil {
		t.Errorf("own link not followed: %v", err)
	}
	// the report file itself is never written through a link
	if err := os.Symlink(filepath.Join(elsewhere, "victim"), filepath.Join(elsewhere, "reports", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, "", "report", "--log", "--out", filepath.Join(elsewhere, "reports", "link.txt"), capture); code != exitOK {
		t.Errorf("link as the report: exit %d: %s", code, errs)
	}
	if _, err := os.Lstat(filepath.Join(elsewhere, "victim")); !os.IsNotExist(err) {
		t.Errorf("the report was written through a link: %v", err)
	}
}
