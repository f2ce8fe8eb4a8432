package daemon

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
