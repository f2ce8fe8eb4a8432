package test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/test/testenv"
)

// uiManyAlerts is how many alerts TestUIManyAlerts stores (the issue's
// 100,000), and uiPageMax the most rows one page of the Log tab may show.
const (
	uiManyAlerts = 100_000
	uiPageMax    = 1000
)

// TestUIManyAlerts: with 100,000 alerts in the store, the Log tab shows one
// page of them, and its "older" link the next page, never the whole store;
// the load times are reported.
func TestUIManyAlerts(t *testing.T) {
	require(t, "ip", "setpriv", "chromium")
	ns := testenv.NewNetNS(t, "uimany")
	dir := publicTempDir(t, "ifw-ui-many-")
	fillStore(t, filepath.Join(dir, "ifw.db"), uiManyAlerts)
	d := startDaemon(t, ns.Name, dir, fmt.Sprintf("socket_group = %s\n\n[source none]\ntype = file\npath = %s\n\n[block]\nenabled = no\n",
		socketGroup, filepath.Join(dir, "none.log")))
	ui := startUI(t, ifwCopy(t, dir), d.socket, uidAl)
	b := newBrowser(t, uidAl, uiArtifacts(t))

	began := time.Now()
	b.open(ui.url, "table#alerts tbody tr.alert")
	first := time.Since(began)
	rows, top, last := logPage(t, b)
	t.Logf("Log tab with %d alerts: first page of %d rows (ids %d…%d) in %s (login, redirect and render); %s",
		uiManyAlerts, rows, top, last, first, navTiming(b))
	if rows < 1 || rows > uiPageMax {
		t.Errorf("the first page has %d rows, want 1..%d", rows, uiPageMax)
	}
	if top != uiManyAlerts {
		t.Errorf("the first row is alert %d, want the newest, %d", top, uiManyAlerts)
	}
	var href string
	b.eval(`(document.querySelector("a#older") || {}).getAttribute ? document.querySelector("a#older").getAttribute("href") : ""`, &href)
	if want := "/log?before=" + strconv.FormatInt(last, 10); href != want {
		t.Errorf("a#older href %q, want %q", href, want)
	}
	b.screenshot("log-100k")

	began = time.Now()
	b.submit("the older page", "a#older", fmt.Sprintf(`table#alerts tbody tr.alert[data-id="%d"]`, last-1))
	older := time.Since(began)
	rows2, top2, last2 := logPage(t, b)
	t.Logf("older page: %d rows (ids %d…%d) in %s; %s", rows2, top2, last2, older, navTiming(b))
	if rows2 < 1 || rows2 > uiPageMax || top2 != last-1 {
		t.Errorf("older page: %d rows from id %d, want 1..%d from %d", rows2, top2, uiPageMax, last-1)
	}

	began = time.Now()
	b.open(ui.base+"/log?before=51", "table#alerts tbody tr.alert")
	rows3, top3, last3 := logPage(t, b)
	t.Logf("the oldest page (before=51): %d rows (ids %d…%d) in %s", rows3, top3, last3, time.Since(began))
	want := min(50, rows)
	if rows3 != want || top3 != 50 || last3 != int64(50-want+1) {
		t.Errorf("before=51: %d rows, ids %d…%d; want %d from 50", rows3, top3, last3, want)
	}
	if n := b.count("a#older"); n != 0 && want == 50 {
		t.Errorf("the last page links to an older one")
	}
	d.stop()
}

// logPage is the Log tab's rows now: how many, the first's and the last's id.
func logPage(t *testing.T, b *browser) (rows int, first, last int64) {
	t.Helper()
	var ids []string
	b.eval(`[...document.querySelectorAll("table#alerts tbody tr.alert")].map(r => r.dataset.id)`, &ids)
	if len(ids) == 0 {
		return 0, 0, 0
	}
	first, err1 := strconv.ParseInt(ids[0], 10, 64)
	last, err2 := strconv.ParseInt(ids[len(ids)-1], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("row ids %q…%q", ids[0], ids[len(ids)-1])
	}
	return len(ids), first, last
}

// navTiming is the browser's own account of the last page load.
func navTiming(b *browser) string {
	var s string
	b.eval(`(() => { const n = performance.getEntriesByType("navigation")[0]; if (!n) return "no navigation timing";
		return "server answer " + Math.round(n.responseEnd - n.requestStart) + " ms, DOM ready " + Math.round(n.domContentLoadedEventEnd - n.startTime) +
			" ms, loaded " + Math.round(n.loadEventEnd - n.startTime) + " ms, " + n.transferSize + " bytes"; })()`, &s)
	return s
}

// ifwCopy copies the ifw binary into dir, where the desktop users may run it.
func ifwCopy(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "ifw")
	b, err := os.ReadFile(ifwBin)
	if err == nil {
		err = os.WriteFile(p, b, 0o755)
	}
	if err != nil {
		t.Fatalf("copying ifw: %v", err)
	}
	return p
}

// fillStore writes n alerts (a multiple of 100) into a new store at path,
// over the last 30 days, oldest first (ids 1..n): n/100 through the store's
// own AddAlert, then 99 copies of them shifted in time, in one transaction
// (one AddAlert per alert takes 20 s for 100,000).
func fillStore(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	s, err := alerts.Open(ctx, alerts.Config{Path: path}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	const copies = 100
	span := 30 * 24 * time.Hour / copies
	start := began.Add(-30 * 24 * time.Hour)
	per := n / copies
	for i := range per {
		at := start.Add(time.Duration(i) * span / time.Duration(per))
		src := netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + i%250)})
		if i%2 == 1 {
			src = netip.AddrFrom4([4]byte{203, 0, 113, byte(1 + i%250)})
		}
		a := alerts.Alert{
			Time: at, Host: "victim", Src: src, Level: 1 + i%5, PrevLevel: i % 5, Reasons: "level",
			Packets: 20 + i%100, FirstSeen: at.Add(-time.Minute), LastSeen: at, DestinationCount: 1,
			Destinations: []netip.Addr{netip.MustParseAddr(victimIP)},
			Scans:        []signatures.Scan{{Type: "syn", Proto: "tcp", Dst: netip.MustParseAddr(victimIP), MinPort: 1, MaxPort: 20, DistinctPorts: 20, Packets: 20}},
			Collector:    "kmsg", Trusted: true, Outcomes: []alerts.Outcome{},
		}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path) // the driver the alerts package registers
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cols []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('alerts') WHERE name != 'id' ORDER BY cid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for k := 1; k < copies; k++ {
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = c
			switch c {
			case "time", "first_seen", "last_seen": // nanoseconds
				sel[i] = fmt.Sprintf("%s + %d", c, int64(k)*span.Nanoseconds())
			case "uid": // unique: a copy is another alert
				sel[i] = fmt.Sprintf("%s || '-%d'", c, k)
			}
		}
		q := fmt.Sprintf("INSERT INTO alerts (%s) SELECT %s FROM alerts WHERE id <= %d ORDER BY id",
			strings.Join(cols, ", "), strings.Join(sel, ", "), per)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("copying the alerts: %v", err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stored %d alerts in %s", n, time.Since(began).Round(time.Millisecond))
}
