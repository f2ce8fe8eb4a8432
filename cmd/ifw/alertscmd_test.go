package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

var alertsNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// sampleAlerts is a history, newest first: an auto-blocked scan with its
// block in place, one whose block ended, a failed mail with a hostile
// error text, and an alert no action ran for.
func sampleAlerts() []control.AlertRecord {
	at := func(m int) time.Time { return alertsNow.Add(time.Duration(m) * time.Minute) }
	src := netip.MustParseAddr
	blk := func(p string, created, expires, removed time.Time, why alerts.RemovedWhy) *alerts.Block {
		return &alerts.Block{Prefix: netip.MustParsePrefix(p), Source: alerts.BlockAuto, Created: created, Expires: expires, Removed: removed, RemovedWhy: why}
	}
	return []control.AlertRecord{
		{Alert: alerts.Alert{ID: 4, Time: at(-5), Host: "fw", Src: src("198.51.100.7"), Level: 5, PrevLevel: 3, Reasons: "level,scan",
			Packets: 900, Trusted: true, Collector: "kmsg", Outcomes: []alerts.Outcome{
				{Action: "block", Time: at(-5), OK: true}, {Action: "log", Time: at(-5), OK: true},
				{Action: "notify", Time: at(-5), Error: "not delivered: notify: fallback: notify: no graphical session found"},
				{Action: "mail", Time: at(-5), Error: alerts.DroppedFull}}},
			Block: blk("198.51.100.7/32", at(-5), at(55), time.Time{}, "")},
		{Alert: alerts.Alert{ID: 3, Time: at(-50), Host: "fw", Src: src("203.0.113.9"), Level: 4, PrevLevel: 0, Reasons: "level",
			Packets: 120, Trusted: true, Collector: "kmsg", Outcomes: []alerts.Outcome{{Action: "block", Time: at(-50), OK: true}}},
			Block: blk("203.0.113.9/32", at(-50), at(10), at(-20), alerts.RemovedDeleted)},
		{Alert: alerts.Alert{ID: 2, Time: at(-70), Host: "fw", Src: src("2001:db8::5"), Level: 2, PrevLevel: 1, Reasons: "signature",
			Packets: 12, Collector: "file:/var/log/kern.log", Outcomes: []alerts.Outcome{
				{Action: "mail", Time: at(-69), OK: false, Error: "after 30s: smtp: 550 \x1b[31mno\x1b[0m"}}}},
		{Alert: alerts.Alert{ID: 1, Time: at(-90), Host: "fw", Src: src("192.0.2.3"), Level: 1, Packets: 5, Trusted: true, Collector: "kmsg"}},
	}
}

// TestWriteAlerts: the human listing (golden): one line per alert, one
// per outcome, the auto-block with its block as it stands, a failed
// action's error escaped for the terminal.
func TestWriteAlerts(t *testing.T) {
	var b bytes.Buffer
	writeAlerts(&b, sampleAlerts(), alertsNow)
	golden(t, "alerts.txt", b.String())
	if strings.ContainsRune(b.String(), 0x1b) {
		t.Error("an escape byte reached the terminal")
	}
	b.Reset()
	writeAlerts(&b, nil, alertsNow)
	if b.String() != "no alerts\n" {
		t.Errorf("empty history: %q", b.String())
	}
}

// TestAlertsCommand: the flags reach the daemon as a query (level, source,
// limit, since); --json is the records with their stable keys; bad flags
// are refused in words.
func TestAlertsCommand(t *testing.T) {
	b := controltest.NewBackend()
	b.AlertList = sampleAlerts()
	now := time.Now()
	for i := range b.AlertList { // recent, for --since
		b.AlertList[i].Time = now.Add(-time.Duration(i) * time.Hour)
	}
	socket, _ := controltest.Start(t, b)
	ids := func(args ...string) string {
		t.Helper()
		code, out, errs := runArgs(append([]string{"alerts", "--json", "--socket", socket}, args...)...)
		var list []control.AlertRecord
		if code != exitOK || json.Unmarshal([]byte(out), &list) != nil {
			t.Fatalf("ifw alerts %v: exit %d %q %q", args, code, out, errs)
		}
		var s []string
		for _, a := range list {
			s = append(s, a.Src.String())
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "198.51.100.7 203.0.113.9 2001:db8::5 192.0.2.3"},
		{[]string{"--min-level", "4"}, "198.51.100.7 203.0.113.9"},
		{[]string{"--src", "2001:db8::5"}, "2001:db8::5"},
		{[]string{"--limit", "1"}, "198.51.100.7"},
		{[]string{"--since", "90m"}, "198.51.100.7 203.0.113.9"},
		{[]string{"--host", "fw"}, "198.51.100.7 203.0.113.9 2001:db8::5 192.0.2.3"},
		{[]string{"--host", "other"}, ""},
	} {
		if got := ids(tt.args...); got != tt.want {
			t.Errorf("ifw alerts %v: %q, want %q", tt.args, got, tt.want)
		}
	}
	_, out, _ := runArgs("alerts", "--json", "--limit", "1", "--socket", socket)
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("%v %q", err, out)
	}
	keys := strings.Join(slices.Sorted(maps.Keys(raw[0])), " ")
	if want := "block collector destination_count destinations first_seen host id last_seen level os outcomes packets ports prev_level reasons scans signatures src time tool trusted uid"; keys != want {
		t.Errorf("alert keys %q, want %q", keys, want)
	}
	outcome, _ := raw[0]["outcomes"].([]any)[0].(map[string]any)
	if outcome["action"] != "block" || outcome["ok"] != true || raw[0]["block"].(map[string]any)["expires"] == nil {
		t.Errorf("outcome %v, block %v", outcome, raw[0]["block"])
	}
	for _, tt := range []struct{ args, want string }{
		{"--src notanip", `ifw alerts: src "notanip": want one IP address`},
		{"--src 198.51.100.0/24", `ifw alerts: src "198.51.100.0/24": want one IP address`},
		{"--min-level 9", `ifw alerts: min level "9": want 0-5`},
		{"--limit 0", "ifw alerts: --limit 0: want 1-10000"},
		{"--since -1h", "ifw alerts: --since -1h0m0s: want a positive duration"},
	} {
		code, out, errs := runArgs(append(strings.Fields(tt.args), "alerts", "--socket", socket)...)
		if code != exitFail || out != "" || !strings.HasPrefix(errs, tt.want) {
			t.Errorf("ifw alerts %s: exit %d %q %q, want %q", tt.args, code, out, errs, tt.want)
		}
	}
	code, out, _ := runArgs("alerts", "--src", "192.0.2.3", "--socket", socket)
	if code != exitOK || !strings.Contains(out, "#1  192.0.2.3") || !strings.Contains(out, "no action ran") {
		t.Errorf("text listing: exit %d\n%s", code, out)
	}
}
