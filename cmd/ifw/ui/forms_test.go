package ui

import (
	"strings"
	"testing"
	"time"
)

func TestParseFor(t *testing.T) {
	for in, want := range map[string]string{"": "", "forever": "forever", " Permanent ": "forever", "90m": "1h30m0s",
		"2h": "2h0m0s", "7d": "168h0m0s", "1d": "24h0m0s"} {
		if got, err := parseFor(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "-1h", "0", "0d", "3651d", "1.5d", "d", strings.Repeat("9", 40) + "h", "1h; rm"} {
		if got, err := parseFor(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}

func FuzzParseFor(f *testing.F) {
	for _, s := range []string{"", "forever", "90m", "7d", "-1h", "1d2h", "3650d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseFor(s)
		if err != nil || got == "" || got == "forever" {
			return
		}
		d, err := time.ParseDuration(got)
		if err != nil || d <= 0 {
			t.Fatalf("%q gave %q, which the daemon refuses: %v", s, got, err)
		}
	})
}

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 12, 5, 18, 0, 0, 0, time.Local)
	from, to, err := parsePeriod("", "", now)
	if err != nil || !to.Equal(now) || to.Sub(from) != 24*time.Hour {
		t.Errorf("default: %v %v %v", from, to, err)
	}
	from, to, err = parsePeriod("2026-12-01T08:00", "2026-12-02T08:30:15", now)
	if err != nil || from.Hour() != 8 || to.Second() != 15 || from.Location() != time.Local {
		t.Errorf("local: %v %v %v", from, to, err)
	}
	for _, bad := range [][2]string{{"2026-12-02T08:00", "2026-12-01T08:00"}, {"yesterday", ""}, {"", "x"}, {"2026-12-01T08:00", "2026-12-01T08:00"}} {
		if _, _, err := parsePeriod(bad[0], bad[1], now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	f.Add("2026-12-01T08:00", "2026-12-02T08:00")
	f.Add("", "2026-12-01T08:00:00Z")
	f.Add("x", "")
	now := time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		t0, t1, err := parsePeriod(from, to, now)
		if err == nil && !t0.Before(t1) {
			t.Fatalf("%q %q: from %v not before to %v", from, to, t0, t1)
		}
	})
}

func TestAnswerOf(t *testing.T) {
	for button, want := range map[string][2]string{"allow_once": {"allow", "once"}, "allow_always": {"allow", "permanent"},
		"deny": {"deny", "once"}, "deny_always": {"deny", "permanent"}} {
		if a, l, err := answerOf(button, "host"); err != nil || a != want[0] || l != want[1] {
			t.Errorf("%s: %s %s %v", button, a, l, err)
		}
	}
	if _, _, err := answerOf("allow_once", "everywhere"); err == nil {
		t.Error("bad scope accepted")
	}
	if _, _, err := answerOf("reject", ""); err == nil {
		t.Error("unknown button accepted")
	}
}

// FuzzFormFields: ids, cursors and answers either parse to what the
// daemon takes or are refused; nothing panics.
func FuzzFormFields(f *testing.F) {
	for _, s := range []string{"", "1", "0", "-1", "18446744073709551615", "x", "allow_once", "deny_always"} {
		f.Add(s, "host")
	}
	f.Fuzz(func(t *testing.T, s, scope string) {
		if id, err := parseID(s, "rule"); err == nil && id == 0 {
			t.Fatalf("%q: id 0 accepted", s)
		}
		if n, err := parseCursor(s); err == nil && n < 0 || err != nil && n != 0 {
			t.Fatalf("%q: cursor %d, %v", s, n, err)
		}
		if n, err := parseLevel(s); err == nil && (n < 0 || n > 5) {
			t.Fatalf("%q: level %d", s, n)
		}
		if a, l, err := answerOf(s, scope); err == nil && (a != "allow" && a != "deny" || l != "once" && l != "permanent") {
			t.Fatalf("%q %q: %q %q", s, scope, a, l)
		}
	})
}
