package notifytest

import (
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Logger logs through t at debug level.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// WaitFor polls cond until it holds or a minute passes.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Alert is a trusted alert from src at level.
func Alert(src string, level int) alerts.Alert {
	return alerts.Alert{Src: netip.MustParseAddr(src), Level: level, Time: time.Unix(1700000000, 0).UTC(), Trusted: true}
}

// HostileAlert has text that markup would read: a bubble's body must
// escape it.
func HostileAlert(level int) alerts.Alert {
	a := Alert("203.0.113.7", level)
	a.Scans = []signatures.Scan{{Type: "syn", Proto: "tcp", Dst: netip.MustParseAddr("198.51.100.2"), MinPort: 22, MaxPort: 443, DistinctPorts: 9, Packets: 120}}
	a.Signatures = []signatures.SigHit{{ID: 1, Name: `<b>bold</b> & "quoted"`, Level: 2, Packets: 3}}
	return a
}
