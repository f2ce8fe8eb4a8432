package daemon

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
