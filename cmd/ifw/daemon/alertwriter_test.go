package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/testenv"
)

// TestAlertWriterFullDisk is the fault: the store's disk is full (a 1 MiB
// tmpfs, filled). Every alert is acted on all the same (blocking and
// actions do not depend on the write), waits in memory, the status says
// the store is degraded, and once there is room the waiting alerts are
// stored.
func TestAlertWriterFullDisk(t *testing.T) {
	testenv.Root(t) // to mount a tmpfs
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	ctx := context.Background()
	store, err := alerts.Open(ctx, alerts.Config{Path: filepath.Join(dir, "ifw.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler)

	var acted []alerts.Alert
	w := &alertWriter{store: store, log: slog.New(slog.NewTextHandler(io.Discard, nil)), latency: newLatencies(),
		after: func(a alerts.Alert, _ bool) { acted = append(acted, a) }}
	const n = 5
	for i := range n {
		w.write(pendingAlert{alert: fullDiskAlert(i), received: time.Now()})
	}
	st := w.status()
	if len(acted) != n {
		t.Errorf("%d alerts acted on of %d: acting waited for the store", len(acted), n)
	}
	if !st.Degraded || st.Unstored != n || !strings.Contains(st.LastError, "full") {
		t.Errorf("status on a full disk: %+v; want degraded with %d waiting", st, n)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	w.retry()
	if st := w.status(); st.Degraded || st.Unstored != 0 {
		t.Errorf("status with room again: %+v", st)
	}
	if c, err := store.Counts(ctx, time.Time{}); err != nil || c.Total != n {
		t.Errorf("stored %+v %v; want the %d waiting alerts", c, err, n)
	}
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

func fullDiskAlert(i int) alerts.Alert {
	at := time.Date(2026, 12, 5, 10, 0, i, 0, time.UTC)
	return alerts.Alert{Time: at, Host: "h", Src: netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + i)}),
		Level: 2, Reasons: "level", Packets: 20, FirstSeen: at, LastSeen: at, Collector: "file"}
}

// TestAlertWriterStoreGone: without root, a store that refuses writes
// (closed under the writer) keeps the alerts, acts on them all the same,
// and a store that takes writes again gets them, oldest first.
func TestAlertWriterStoreGone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	closed, err := alerts.Open(ctx, alerts.Config{Path: filepath.Join(dir, "a.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	acted := 0
	w := &alertWriter{store: closed, log: slog.New(slog.DiscardHandler), latency: newLatencies(), after: func(alerts.Alert, bool) { acted++ }}
	for i := range 3 {
		w.write(pendingAlert{alert: fullDiskAlert(i), received: time.Now()})
	}
	if st := w.status(); !st.Degraded || st.Unstored != 3 || acted != 3 {
		t.Fatalf("status %+v, acted on %d", st, acted)
	}
	open, err := alerts.Open(ctx, alerts.Config{Path: filepath.Join(dir, "b.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	w.store = open
	w.retry()
	if st := w.status(); st.Degraded || w.stored.Load() != 3 {
		t.Errorf("after the store came back: %+v, stored %d", st, w.stored.Load())
	}
}
