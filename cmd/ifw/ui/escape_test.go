package ui

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// hostile is what an attacker controls and the window shows: log
// prefixes (a collector's, a signature's name), host names, executable
// names, comments.
const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>'`

// hostileAlert is an alert whose every text field is hostile.
func hostileAlert(id int64) control.AlertRecord {
	now := time.Now()
	return control.AlertRecord{Alert: alerts.Alert{ID: id, Time: now, Host: hostile, Src: netip.MustParseAddr("203.0.113.66"),
		Level: 4, Reasons: hostile, FirstSeen: now, LastSeen: now, OS: hostile, Tool: hostile, Collector: hostile,
		Scans:      []signatures.Scan{{Type: hostile, Proto: hostile, MinPort: 1, MaxPort: 1024, DistinctPorts: 900}},
		Signatures: []signatures.SigHit{{ID: 1, Name: hostile, Level: 3}},
		Ports:      []signatures.PortHit{{Proto: hostile, Port: 22, Packets: 3}},
		Outcomes:   []alerts.Outcome{{Action: hostile, OK: false, Error: hostile}}}}
}

// TestHostileStringsEscaped: on every tab, and in the live alert row,
// hostile strings come out as text, never as markup.
func TestHostileStringsEscaped(t *testing.T) {
	d := newFakeDaemon(t, hostileAlert(5))
	now := time.Now()
	d.queue = []verdict.Question{{ID: 9, UID: 1000, User: hostile, Exe: "/tmp/" + hostile, Dst: netip.MustParseAddr("198.51.100.9"),
		Port: 80, Proto: "tcp", Asked: now, Deadline: now.Add(time.Minute)}}
	d.verdicts = []verdict.Given{{At: now, UID: 1000, User: hostile, Exe: "/tmp/" + hostile, Dst: netip.MustParseAddr("198.51.100.9"),
		Port: 80, Proto: "tcp", Verdict: rules.Deny, Why: verdict.CauseRule, Count: 1}}
	if _, err := d.WhitelistAdd(t.Context(), control.WhitelistRequest{Entry: "192.0.2.77", Comment: hostile}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Block(t.Context(), control.BlockRequest{Prefix: "198.51.100.70", Reason: hostile}); err != nil {
		t.Fatal(err)
	}
	d.status = &control.Status{Host: hostile, Config: hostile, Started: now,
		Collectors: []control.CollectorStatus{{Name: hostile, Type: "kmsg", Stats: sources.StatsSnapshot{LastError: hostile}}},
		Attackers: []control.AttackerStatus{{Attacker: signatures.Attacker{Src: netip.MustParseAddr("203.0.113.66"), Level: 3, OS: hostile, Tool: hostile},
			Blocked: &control.BlockMark{Prefix: netip.MustParsePrefix("203.0.113.66/32"), Source: alerts.BlockAuto, Until: now.Add(time.Hour)}}},
		Store:    control.StoreStatus{Path: hostile, Degraded: true, LastError: hostile},
		Actions:  map[string]alerts.ActionStats{hostile: {OK: 3}},
		Outbound: &control.OutboundStatus{Stats: verdict.Stats{Packets: 9}},
		Blocking: &control.BlockingStatus{Active: 1, ActiveBySource: map[alerts.BlockSource]int{alerts.BlockAuto: 1},
			Refused: map[alerts.BlockSource]map[string]uint64{alerts.BlockAuto: {hostile: 2}},
			Bulk:    &control.BulkStatus{Files: []string{hostile}, Loaded: now, Error: hostile}}}
	u := startUI(t, d, 0)
	u.login()
	for _, path := range []string{"/log", "/blacklist", "/whitelist", "/outbound", "/status"} {
		_, page := u.get(path)
		checkEscaped(t, path, page)
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the hostile string is not shown (escaped): %s", path, page)
		}
	}
	if _, page := u.get("/blacklist"); !strings.Contains(page, `id="bulk-error"`) || !strings.Contains(page, `id="bulk-loaded"`) {
		t.Errorf("blacklist: the bulk lists' status is not shown: %s", page)
	}
	// A hostile flash (the daemon's refusal quoting the input).
	msg, bad := u.act("/blacklist/block", map[string][]string{"prefix": {hostile}})
	if !bad || strings.Contains(msg, "<") {
		t.Errorf("flash %q", msg)
	}

	ev := openEvents(t, u)
	d.send(control.StreamEvent{Kind: "alert", Alert: new(hostileAlert(6))})
	name, data := ev.next()
	if name != "alert" {
		t.Fatalf("event %q %q", name, data)
	}
	checkEscaped(t, "live row", data)
}

// checkEscaped fails when page holds the hostile markup itself.
func checkEscaped(t *testing.T, where, page string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", `"><script`, "onerror=alert(2)>"} {
		if strings.Contains(page, bad) {
			t.Errorf("%s: unescaped %q", where, bad)
		}
	}
}
