package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestDaemonFlush: `ifw block flush` through the control API lifts the
// auto-block of a scan and a manual block, from the kernel and the store;
// the bulk list stays loaded.
func TestDaemonFlush(t *testing.T) {
	l := newLab(t)
	drop := filepath.Join(l.dir, "drop.txt")
	if err := os.WriteFile(drop, []byte("192.0.2.128/25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.blockExtra = "bulk = " + drop
	l.writeConf(t, "")
	r := l.start(t)
	ctx := context.Background()
	r.feed.synScan("203.0.113.5", 200)
	eventually(t, "the scan auto-blocked", func() bool { return l.kernel.has("203.0.113.5/32") })
	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.0/24", For: "forever"}); err != nil {
		t.Fatal(err)
	}
	f, err := r.client.FlushBlocks(ctx)
	if err != nil || f.Count != 2 {
		t.Fatalf("flush: %+v, %v", f, err)
	}
	if l.kernel.has("203.0.113.5/32") || l.kernel.has("198.51.100.0/24") {
		t.Error("the kernel still blocks after flush")
	}
	if list, err := r.client.Blocks(ctx); err != nil || len(list) != 0 {
		t.Errorf("blocks after flush: %+v, %v", list, err)
	}
	l.kernel.mu.Lock()
	bulk := len(l.kernel.bulk)
	l.kernel.mu.Unlock()
	if bulk != 1 {
		t.Errorf("bulk sets hold %d prefixes after flush, want 1", bulk)
	}
}

// TestDaemonStatusBlocked: the status marks an auto-blocked attacker
// with its block's end, one inside a manually blocked network with that
// network, and leaves an attacker below the auto-block level unmarked.
func TestDaemonStatusBlocked(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()
	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.0/24", For: "forever"}); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	r.feed.synScan("203.0.113.5", 200)
	r.feed.synScan("198.51.100.20", 6) // below min_level: no block of its own
	r.feed.synScan("192.0.2.77", 6)    // level 1 or 2: below min_level 3
	eventually(t, "the scan auto-blocked", func() bool { return l.kernel.has("203.0.113.5/32") })
	eventually(t, "every attacker in the status", func() bool {
		return r.attacker(t, "192.0.2.77") != nil && r.attacker(t, "198.51.100.20") != nil
	})
	st, err := r.client.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]*control.BlockMark{}
	for _, a := range st.Attackers {
		marks[a.Src.String()] = a.Blocked
	}
	if m := marks["203.0.113.5"]; m == nil || m.Source != "auto" || m.Permanent || m.Prefix.String() != "203.0.113.5/32" ||
		m.Until.Before(before.Add(time.Hour)) || m.Until.After(time.Now().Add(time.Hour)) {
		t.Errorf("auto-blocked attacker: %+v", m)
	}
	if m := marks["198.51.100.20"]; m == nil || m.Source != "manual" || !m.Permanent || m.Prefix.String() != "198.51.100.0/24" {
		t.Errorf("attacker in a blocked network: %+v", m)
	}
	if m, ok := marks["192.0.2.77"]; !ok || m != nil {
		t.Errorf("attacker below the auto-block level: present %v, mark %+v", ok, m)
	}
}

// TestDaemonBlockAndActionMetrics scrapes the real metrics endpoint: the
// active blocks by source, blocks made by source, refused by why,
// expired, and the syslog action's runs.
func TestDaemonBlockAndActionMetrics(t *testing.T) {
	l := newLab(t)
	if err := os.WriteFile(filepath.Join(l.dir, "whitelist"), []byte("198.51.100.99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	r := l.startWith(t, fmt.Sprintf("[metrics]\nlisten = 127.0.0.1:%d", port))
	ctx := context.Background()
	r.feed.synScan("203.0.113.5", 200)
	eventually(t, "the scan auto-blocked", func() bool { return l.kernel.has("203.0.113.5/32") })
	l.sink.await(t, "203.0.113.5")
	for _, p := range []string{"198.51.100.7", "198.51.100.8"} {
		if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: p, For: "1s"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.99"}); err == nil {
		t.Fatal("a whitelisted address was blocked")
	}
	// The kernel drops 198.51.100.7 at its timeout: the next listing
	// closes its record as expired.
	if err := l.kernel.Del(netip.MustParsePrefix("198.51.100.7/32")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.Blocks(ctx); err != nil {
		t.Fatal(err)
	}
	ranOK := regexp.MustCompile(`(?m)^ifw_action_runs_total\{action="log",result="ok"\} [1-9]`)
	var body string
	eventually(t, "the syslog action's run counted", func() bool { body = scrape(t, port); return ranOK.MatchString(body) })
	for _, want := range []string{
		`ifw_blocks_active{source="auto"} 1`, `ifw_blocks_active{source="manual"} 1`,
		`ifw_blocks_made_total{source="auto"} 1`, `ifw_blocks_made_total{source="manual"} 2`,
		`ifw_blocks_refused_total{source="manual",reason="whitelist"} 1`,
		`ifw_blocks_expired_total 1`, `ifw_blocks_auto_regex_skipped_total 0`,
		"# TYPE ifw_blocks_active gauge", "# TYPE ifw_blocks_made_total counter",
		`ifw_action_failures_total{action="log"} 0`, `ifw_action_dropped_total{action="log"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// scrape GETs the metrics endpoint on port, once it answers.
func scrape(t *testing.T, port int) string {
	t.Helper()
	var body string
	eventually(t, "metrics answer", func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusOK
	})
	return body
}

// synScanPrefixed writes n SYN packets from src to distinct ports of
// 192.0.2.10, logged with prefix.
func (f *feed) synScanPrefixed(src, prefix string, n int) {
	stamp := time.Now().Format(time.Stamp)
	for i := range n {
		f.lines <- fmt.Sprintf("%s fw kernel: [ 100.000000] %s IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 TOS=0x00 "+
			"PREC=0x00 TTL=43 ID=%d PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0", stamp, prefix, src, i+1, i+1)
	}
}

// TestDaemonAutoRegex: with [block] auto_regex, a scan logged with a
// matching prefix is auto-blocked, one logged with another prefix is
// not (counted in the status and the metrics), though both alert.
func TestDaemonAutoRegex(t *testing.T) {
	l := newLab(t)
	l.blockExtra = "auto_regex = ^FWSNORT.*ESTAB"
	port := freePort(t)
	r := l.startWith(t, fmt.Sprintf("[metrics]\nlisten = 127.0.0.1:%d", port))
	r.feed.synScanPrefixed("203.0.113.7", "DROP", 200)
	r.feed.synScanPrefixed("203.0.113.8", "FWSNORT ESTAB 123", 200)
	eventually(t, "the matching scan auto-blocked", func() bool { return l.kernel.has("203.0.113.8/32") })
	eventually(t, "the other scan at the auto-block level", func() bool {
		a := r.attacker(t, "203.0.113.7")
		return a != nil && a.Level >= 3
	})
	var st *control.Status
	eventually(t, "the skip counted", func() bool {
		var err error
		st, err = r.client.Status(context.Background())
		return err == nil && st.Blocking != nil && st.Blocking.AutoRegexSkipped > 0
	})
	if l.kernel.has("203.0.113.7/32") {
		t.Error("a scan whose log prefix does not match auto_regex was auto-blocked")
	}
	if st.Blocking.Made[alerts.BlockAuto] != 1 {
		t.Errorf("auto blocks made %d, want 1", st.Blocking.Made[alerts.BlockAuto])
	}
	if body := scrape(t, port); !regexp.MustCompile(`(?m)^ifw_blocks_auto_regex_skipped_total [1-9]`).MatchString(body) {
		t.Errorf("metrics:\n%s", body)
	}
}

// TestDaemonAlerts: the alert history through the control API, newest
// first, with the auto-block's block as it stands (until, then lifted)
// and the syslog action's outcome; the filters select.
func TestDaemonAlerts(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()
	r.feed.synScan("192.0.2.77", 6) // level 1-2: no block
	r.feed.synScan("203.0.113.5", 200)
	eventually(t, "the scan auto-blocked", func() bool { return l.kernel.has("203.0.113.5/32") })
	var list []control.AlertRecord
	eventually(t, "the block and syslog outcomes stored", func() bool {
		var err error
		list, err = r.client.Alerts(ctx, control.AlertQuery{Src: "203.0.113.5", MinLevel: 3})
		if err != nil || len(list) == 0 {
			return false
		}
		have := map[string]bool{}
		desktop := false // a bubble: delivered, or "not delivered" without an applet
		for _, a := range list {
			for _, o := range a.Outcomes {
				have[o.Action] = have[o.Action] || o.OK
				desktop = desktop || o.Action == "notify" && (o.OK || strings.HasPrefix(o.Error, "not delivered: "))
			}
		}
		return have["block"] && have["log"] && desktop && list[0].Block != nil
	})
	a := list[0]
	if a.Src.String() != "203.0.113.5" || a.Level < 3 || a.Block == nil || a.Block.Prefix.String() != "203.0.113.5/32" ||
		!a.Block.Active() || a.Block.Expires.Before(a.Time.Add(59*time.Minute)) {
		t.Fatalf("alert %+v, block %+v", a.Alert, a.Block)
	}
	all, err := r.client.Alerts(ctx, control.AlertQuery{})
	if err != nil || len(all) < 2 {
		t.Fatalf("all alerts: %d, %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Time.After(all[i-1].Time) {
			t.Errorf("not newest first: %v after %v", all[i].Time, all[i-1].Time)
		}
	}
	if low, err := r.client.Alerts(ctx, control.AlertQuery{Src: "192.0.2.77"}); err != nil || len(low) == 0 || low[0].Block != nil {
		t.Errorf("unblocked source's alerts: %+v, %v", low, err)
	}
	if future, err := r.client.Alerts(ctx, control.AlertQuery{Since: time.Now().Add(time.Hour)}); err != nil || len(future) != 0 {
		t.Errorf("alerts since an hour ahead: %d, %v", len(future), err)
	}
	if _, err := r.client.Unblock(ctx, "203.0.113.5"); err != nil {
		t.Fatal(err)
	}
	list, err = r.client.Alerts(ctx, control.AlertQuery{Src: "203.0.113.5", MinLevel: 3, Limit: 1})
	if err != nil || len(list) != 1 || list[0].Block == nil || list[0].Block.Active() || list[0].Block.RemovedWhy != alerts.RemovedDeleted {
		t.Errorf("after unblock: %+v, %v", list, err)
	}
}
