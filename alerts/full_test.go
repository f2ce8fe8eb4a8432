package alerts

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFull fills a 1 MiB tmpfs: writes fail with ErrFull, nothing
// stored before is lost, reads go on, and once there is room again the
// store takes writes.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "1m")
	path := filepath.Join(dir, "ifw.db")
	s := openAt(t, Config{Path: path})
	if err := s.PutState(ctx, "engine", bytes.Repeat([]byte("e"), 64<<10)); err != nil {
		t.Fatal(err)
	}
	a := sample(t, "198.51.100.7", t0)
	a.Reasons = strings.Repeat("x", 4000) // bigger rows fill the disk sooner
	stored := 0
	var err error
	for ; stored < 10000; stored++ {
		b := a
		b.Time = t0.Add(time.Duration(stored) * time.Second)
		if _, err = s.AddAlert(ctx, &b); err != nil {
			break
		}
	}
	isFault(t, "AddAlert on a full disk", err, ErrFull)
	t.Logf("%d alerts stored, then: %v", stored, err)
	isFault(t, "PutState on a full disk", s.PutState(ctx, "engine", bytes.Repeat([]byte("f"), 512<<10)), ErrFull)
	checkStored(t, s, stored, 'e')
	if err := s.Close(); err != nil {
		t.Logf("Close on a full disk: %v", err)
	}
	remount(t, dir, "size=16m")
	s = openAt(t, Config{Path: path})
	checkStored(t, s, stored, 'e')
	b := a
	if _, err := s.AddAlert(ctx, &b); err != nil {
		t.Errorf("AddAlert with room again: %v", err)
	}
}

// checkStored checks the store has n alerts and the engine state it was
// given first.
func checkStored(t *testing.T, s *Store, n int, state byte) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Counts(ctx, time.Time{})
	if err != nil || c.Total != n {
		t.Errorf("%d alerts readable, %d stored (%v)", c.Total, n, err)
	}
	v, ok, err := s.State(ctx, "engine")
	if err != nil || !ok || len(v) != 64<<10 || v[0] != state {
		t.Errorf("engine state: %d bytes, %v, %v", len(v), ok, err)
	}
}

// TestCrashKeepsAlerts: alerts AddAlert returned for are there after the
// process is killed (-9) without closing the store.
func TestCrashKeepsAlerts(t *testing.T) {
	const n = 50
	if arg := os.Getenv(childEnv); arg != "" {
		s, err := Open(context.Background(), Config{Path: arg}, nil)
		if err != nil {
			t.Fatal(err)
		}
		addN(t, s, n)
		fmt.Println("stored", n)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	}
	path := tempPath(t)
	out, err := runChild(t, "TestCrashKeepsAlerts", path, nil)
	if !strings.Contains(out, "stored "+strconv.Itoa(n)) || err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Logf("no log left behind: %v", err)
	}
	s := openAt(t, Config{Path: path})
	if as, err := s.Alerts(context.Background(), Query{}); err != nil || len(as) != n {
		t.Fatalf("after the crash: %d alerts, %v", len(as), err)
	}
	var check string
	if err := s.r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity: %q %v", check, err)
	}
}
