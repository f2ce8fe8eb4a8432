package ui

import (
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// alertsOf is a history of n alerts (ids 1..n), newest first.
func alertsOf(n int64) []control.AlertRecord {
	t0 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	out := make([]control.AlertRecord, 0, n)
	for id := n; id >= 1; id-- {
		out = append(out, control.AlertRecord{Alert: alerts.Alert{ID: id, Time: t0.Add(time.Duration(id) * time.Second),
			Src: netip.AddrFrom4([4]byte{198, 51, 100, byte(id % 250)}), Level: 1 + int(id%5)}})
	}
	return out
}

var (
	rowIDs   = regexp.MustCompile(`<tr class="alert level[0-9]" data-id="([0-9]+)"`)
	olderRef = regexp.MustCompile(`<a id="older" href="(/log\?before=[0-9]+(?:&amp;min=[0-9])?)">`)
)

// TestLogPaging: with 100,000 alerts stored, a Log page asks for one
// page (100 rows and one to know there are more), shows them newest
// first, and links the next older page by cursor; only the first page
// marks the alerts seen.
func TestLogPaging(t *testing.T) {
	d := newFakeDaemon(t, alertsOf(100_000)...)
	u := startUI(t, d, 0)
	u.login()

	_, page := u.get("/log")
	ids := rowIDs.FindAllStringSubmatch(page, -1)
	if len(ids) != pageSize || ids[0][1] != "100000" || ids[pageSize-1][1] != "99901" {
		t.Fatalf("first page: %d rows, %v … %v", len(ids), ids[0], ids[len(ids)-1])
	}
	m := olderRef.FindStringSubmatch(page)
	if m == nil || m[1] != "/log?before=99901" {
		t.Fatalf("older link %v", m)
	}
	if strings.Contains(page, `data-paged="on"`) {
		t.Error("the first page is marked paged: live rows would not go on it")
	}
	_, page = u.get(m[1])
	ids = rowIDs.FindAllStringSubmatch(page, -1)
	if len(ids) != pageSize || ids[0][1] != "99900" || ids[pageSize-1][1] != "99801" || !strings.Contains(page, `data-paged="on"`) {
		t.Fatalf("second page: %d rows, %v … %v", len(ids), ids[0], ids[len(ids)-1])
	}
	_, page = u.get("/log?before=51")
	if ids = rowIDs.FindAllStringSubmatch(page, -1); len(ids) != 50 || olderRef.MatchString(page) {
		t.Errorf("last page: %d rows, older link %v", len(ids), olderRef.FindString(page))
	}
	d.mu.Lock()
	queries := d.queries
	d.mu.Unlock()
	for _, q := range queries {
		if q.Limit != pageSize+1 {
			t.Errorf("query %+v: not one page", q)
		}
	}
	d.mu.Lock()
	seen := d.seen
	d.mu.Unlock()
	if len(seen) != 1 || seen[0] != 100_000 {
		t.Errorf("marked seen %v, want the first page's newest once", seen)
	}
	// The page's script marks a live alert seen (POST, with the token).
	if resp, body := u.post("/log/seen", map[string][]string{"up_to": {"100001"}}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("seen: %s %s", resp.Status, body)
	}
	if resp, _ := u.post("/log/seen", map[string][]string{"up_to": {"x"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("seen x: %s", resp.Status)
	}
	if resp, _ := u.do("POST", "/log/seen", map[string][]string{"up_to": {"5"}}, map[string]string{"Origin": u.base}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("seen without the token: %s", resp.Status)
	}
	d.mu.Lock()
	seen = d.seen
	d.mu.Unlock()
	if len(seen) != 2 || seen[1] != 100_001 {
		t.Errorf("marked seen %v", seen)
	}
	if resp, _ := u.get("/log?before=x"); resp.StatusCode != 200 {
		t.Errorf("bad cursor: %s", resp.Status)
	} else if _, page := u.get("/log?before=-1"); !strings.Contains(page, `class="error"`) {
		t.Error("a bad cursor is not an error")
	}
	// A level filter: the query asks the daemon for those levels only, and
	// the paging keeps it.
	_, page = u.get("/log?min=4")
	ids = rowIDs.FindAllStringSubmatch(page, -1)
	m = olderRef.FindStringSubmatch(page)
	if len(ids) != pageSize || !strings.Contains(page, `data-min="4"`) || m == nil || !strings.HasSuffix(m[1], "&amp;min=4") {
		t.Errorf("min 4: %d rows, older %v", len(ids), m)
	}
	for _, id := range ids {
		if n, _ := strconv.Atoi(id[1]); 1+n%5 < 4 {
			t.Errorf("min 4: alert %d (level %d) shown", n, 1+n%5)
		}
	}
	if _, page := u.get("/log?min=9"); !strings.Contains(page, `class="error"`) {
		t.Error("min 9 is not an error")
	}
	// The fragment (the page's lists, for a refresh) is the table only.
	_, frag := u.get("/log?fragment=1")
	if !strings.HasPrefix(strings.TrimSpace(frag), `<table id="alerts"`) || strings.Contains(frag, "<nav") {
		t.Errorf("fragment %.200s", frag)
	}
}

// BenchmarkLogPage: one Log page (100 rows) rendered from the client's
// answer.
func BenchmarkLogPage(b *testing.B) {
	list := alertsOf(pageSize)
	s, err := New(Config{Daemon: &fakeDaemon{}, Out: new(strings.Builder)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]alertRow, 0, pageSize)
	for _, a := range list[:pageSize] {
		rows = append(rows, rowOf(a, "x"))
	}
	d := pageData{Tab: "log", Title: "Log", Data: logView{Rows: rows, Older: 1}}
	for b.Loop() {
		var w strings.Builder
		if err := s.pages.ExecuteTemplate(&w, "page", d); err != nil {
			b.Fatal(err)
		}
	}
}
