package report

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// day is the fixed period's start: the report covers 2024-03-01 (UTC).
var day = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// at is day plus h hours and m minutes (h may be negative).
func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func scan(typ, proto, dst string, lo, hi uint16, distinct, packets int) signatures.Scan {
	s := signatures.Scan{Type: typ, Proto: proto, MinPort: lo, MaxPort: hi, DistinctPorts: distinct, Packets: packets}
	if dst != "" {
		s.Dst = addr(dst)
	}
	return s
}

// alert is an alert of src at t; its first packet came a minute earlier.
func alert(src string, t time.Time, level, packets int, scans []signatures.Scan, sigs ...signatures.SigHit) alerts.Alert {
	return alerts.Alert{Time: t, Host: "gw", Src: addr(src), Level: level, Reasons: "level", Packets: packets,
		FirstSeen: t.Add(-time.Minute), LastSeen: t, DestinationCount: 1, Scans: scans, Signatures: sigs,
		Collector: "kmsg", Trusted: true}
}

// fixtureAlerts are the fixed store's alerts: six attackers on the day,
// two the day before, one at the very end (outside the period).
func fixtureAlerts() []alerts.Alert {
	synScan := func(n int) []signatures.Scan {
		return []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 1, 1024, 1024, n)}
	}
	sweep := func(n, hosts int) []signatures.Scan {
		s := scan("sweep", "tcp", "", 22, 22, 1, n)
		s.Hosts = hosts
		return []signatures.Scan{s}
	}
	fin := signatures.SigHit{ID: 100, Name: "SCAN FIN", Level: 2, Packets: 3}
	exploit := signatures.SigHit{ID: 200, Name: "EXPLOIT xmas to web", Level: 5, Packets: 12}
	a := []alerts.Alert{
		alert("198.51.100.7", at(0, 0), 2, 20, synScan(20)),
		alert("198.51.100.7", at(2, 15), 3, 200, synScan(200)),
		alert("198.51.100.7", at(2, 30), 4, 1600, synScan(1600), fin),
		alert("198.51.100.8", at(2, 40), 1, 5, []signatures.Scan{scan("udp", "udp", "203.0.113.5", 53, 53, 1, 5)}),
		alert("203.0.113.99", at(5, 0), 2, 60, sweep(60, 30)),
		alert("203.0.113.99", at(6, 10), 3, 300, sweep(300, 150)),
		alert("2001:db8::66", at(13, 45), 1, 9, []signatures.Scan{scan("udp", "udp", "2001:db8::1", 53, 161, 3, 9)}),
		alert("198.51.100.200", at(21, 0), 5, 12, []signatures.Scan{scan("xmas", "tcp", "203.0.113.80", 80, 80, 1, 12)}, exploit),
		alert("198.51.100.23", at(23, 59), 2, 30, []signatures.Scan{
			scan("fin", "tcp", "203.0.113.5", 20, 25, 6, 18), scan("null", "tcp", "203.0.113.5", 22, 22, 1, 12)}, fin),
		// the day before, and the first instant after the period
		alert("198.51.100.23", at(-1, 0), 1, 8, []signatures.Scan{scan("fin", "tcp", "203.0.113.5", 20, 25, 6, 8)}),
		alert("192.0.2.1", at(-14, 0), 2, 40, []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 3389, 3389, 1, 40)}),
		alert("192.0.2.99", at(24, 0), 5, 9999, []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 1, 1, 1, 9999)}),
	}
	for _, i := range []int{1, 2} { // one scan window each
		a[i].FirstSeen = a[0].FirstSeen
	}
	a[5].FirstSeen = a[4].FirstSeen
	hit := func(port uint16, n int, atLeast bool) signatures.PortHit {
		return signatures.PortHit{Proto: "tcp", Port: port, Packets: n, AtLeast: atLeast}
	}
	a[1].Ports = []signatures.PortHit{hit(22, 30, true), hit(80, 12, true)}   // a wide scan: its most hit ports
	a[2].Ports = []signatures.PortHit{hit(22, 250, true), hit(443, 40, true)} // port 80 dropped from the list
	a[4].Ports = []signatures.PortHit{hit(22, 60, false)}
	a[5].Ports = []signatures.PortHit{hit(22, 300, false)}
	a[2].OS, a[2].Tool, a[2].DestinationCount = "Linux 2.6+", "nmap", 3
	a[7].OS = "Windows"
	return a
}

// fixtureWindows are the stored scan windows: 198.51.100.7 went on after
// its latest alert (1600 packets) to 1750; 203.0.113.99's is as its latest
// alert said.
func fixtureWindows() []signatures.Window {
	return []signatures.Window{
		{Src: addr("198.51.100.7"), FirstSeen: at(0, -1), LastSeen: at(2, 50), Packets: 1750, Level: 4},
		{Src: addr("203.0.113.99"), FirstSeen: at(5, -1), LastSeen: at(6, 10), Packets: 300, Level: 3},
	}
}

// blockSpec is a block and, when removeAt is set, how it ended.
type blockSpec struct {
	b        alerts.Block
	removeAt time.Time
	why      alerts.RemovedWhy
}

func fixtureBlocks() []blockSpec {
	pfx := netip.MustParsePrefix
	auto := func(p string, created time.Time, level int, ttl time.Duration) alerts.Block {
		return alerts.Block{Prefix: pfx(p), Reason: "danger level", Level: level, Source: alerts.BlockAuto,
			Created: created, Expires: created.Add(ttl)}
	}
	return []blockSpec{
		{auto("198.51.100.7/32", at(2, 31), 4, time.Hour), at(3, 31), alerts.RemovedExpired},
		{b: auto("198.51.100.200/32", at(21, 1), 5, 24*time.Hour)},
		{alerts.Block{Prefix: pfx("203.0.113.0/24"), Reason: "ifw block add", Source: alerts.BlockManual,
			Created: at(-48, 0)}, at(12, 0), alerts.RemovedDeleted},
		{b: alerts.Block{Prefix: pfx("192.0.2.0/24"), Reason: "drop list", Source: alerts.BlockBulk, Created: at(-240, 0)}},
		{auto("192.0.2.1/32", at(-14, 1), 2, time.Hour), at(-13, 1), alerts.RemovedExpired},
		{alerts.Block{Prefix: pfx("198.51.100.23/32"), Reason: "applet Block", Source: alerts.BlockManual,
			Created: at(23, 59).Add(30 * time.Second), Expires: at(24, 59)}, at(23, 59).Add(40 * time.Second), alerts.RemovedKernel},
	}
}

// question is a question of alice's exe about dst:port/proto, asked at
// asked and closed five seconds later by by, with verdict (and lifetime,
// for answers).
func question(exe, dst string, port uint16, proto string, asked time.Time, verdict, by, lifetime string) alerts.Question {
	return alerts.Question{Asked: asked, Closed: asked.Add(5 * time.Second), UID: 1000, User: "alice", Exe: exe,
		Dst: addr(dst), Port: port, Proto: proto, Connections: 1, Verdict: verdict, By: by, Lifetime: lifetime}
}

// fixtureQuestions are the fixed store's outbound questions: seven closed
// on the day (one asked the day before), one the day before, one closed
// at the very end (outside the period).
func fixtureQuestions() []alerts.Question {
	const curl, allow, deny = "/usr/bin/curl", alerts.VerdictAllow, alerts.VerdictDeny
	q := []alerts.Question{
		question("/usr/bin/apt", "203.0.113.80", 80, "tcp", at(0, 0).Add(-5*time.Second), deny, alerts.ClosedByOverflow, ""),
		question(curl, "203.0.113.5", 443, "tcp", at(1, 0), allow, alerts.ClosedByAnswer, alerts.LifetimePermanent),
		question(curl, "203.0.113.5", 443, "tcp", at(3, 0), allow, alerts.ClosedByAnswer, alerts.LifetimeOnce),
		question("/usr/lib/firefox/firefox", "2001:db8::80", 443, "tcp", at(8, 0), deny, alerts.ClosedByTimeout, ""),
		question("", "198.51.100.53", 53, "udp", at(12, 0), deny, alerts.ClosedByShutdown, ""),
		question("/usr/bin/nc", "203.0.113.9", 4444, "tcp", at(15, 0), alerts.VerdictReject, alerts.ClosedByAnswer, alerts.LifetimeSession),
		question(curl, "203.0.113.7", 80, "tcp", at(20, 0), allow, alerts.ClosedByRule, ""),
		// the day before, and closed at the first instant after the period
		question("/usr/bin/wget", "203.0.113.5", 443, "tcp", at(-2, 0), deny, alerts.ClosedByTimeout, ""),
		question("/usr/bin/ssh", "203.0.113.22", 22, "tcp", at(24, 0).Add(-5*time.Second), allow, alerts.ClosedByAnswer, alerts.LifetimeTimed),
	}
	q[1].UID, q[1].User, q[1].Connections = 1001, "bob", 3
	return q
}

// fillQuestions stores the questions.
func fillQuestions(t testing.TB, s *alerts.Store, qs []alerts.Question) {
	t.Helper()
	for _, q := range qs {
		if _, err := s.AddQuestion(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// openStore opens a new store in the test's temporary directory.
func openStore(t testing.TB) *alerts.Store {
	t.Helper()
	s, err := alerts.Open(context.Background(), alerts.Config{Path: filepath.Join(t.TempDir(), "ifw.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fill stores the alerts and the blocks (ending those that ended).
func fill(t testing.TB, s *alerts.Store, as []alerts.Alert, bs []blockSpec) {
	t.Helper()
	ctx := context.Background()
	for i := range as {
		if _, err := s.AddAlert(ctx, &as[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range bs {
		if _, err := s.AddBlock(ctx, b.b); err != nil {
			t.Fatal(err)
		}
		if !b.removeAt.IsZero() {
			if err := s.RemoveBlock(ctx, b.b.Prefix, b.why, b.removeAt); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// fixtureStore is a store of the fixture's alerts, blocks and questions.
func fixtureStore(t testing.TB) *alerts.Store {
	s := openStore(t)
	fill(t, s, fixtureAlerts(), fixtureBlocks())
	fillQuestions(t, s, fixtureQuestions())
	if err := s.PutWindows(context.Background(), fixtureWindows()); err != nil {
		t.Fatal(err)
	}
	return s
}

// fixtureOptions report on the fixture's day, with the day before and the
// outbound module in use.
func fixtureOptions() Options {
	return Options{From: day, To: day.Add(24 * time.Hour), Host: "gw.example", Compare: true, Outbound: true,
		Now: day.Add(24*time.Hour + 5*time.Minute), Collectors: []CollectorHealth{
			{Name: "kmsg", Type: "kmsg", Lines: 5000, Packets: 4000, Dropped: 2},
			{Name: "syslog", Type: "file", Lines: 100, Packets: 80, Malformed: 3, Restarts: 1, LastError: "reopen: no such file"},
		}}
}

// fixtureReport builds the fixture's report.
func fixtureReport(t testing.TB) *Report {
	t.Helper()
	r, err := Build(context.Background(), fixtureStore(t), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}
