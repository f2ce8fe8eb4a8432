package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanSettled scans from src until its attacker reached the auto-block
// level, then waits until every alert of the scan went through the
// auto-block step (the writer's barrier comes after them).
func (r *running) scanSettled(t *testing.T, src string) {
	t.Helper()
	r.feed.synScan(src, 200)
	eventually(t, src+" observed whole at the auto-block level", func() bool {
		a := r.attacker(t, src)
		return a != nil && a.Packets == 200 && a.Level >= 3
	})
	if err := r.d.pipe.barrier(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestDaemonAutoBlockSwitch: `ifw block auto off` stops the auto-blocks
// of alerts at the auto level, on brings them back; the switch survives
// a restart; an edit of ifw.conf's [block] auto since it was set wins;
// a corrupt file gives the config's value.
func TestDaemonAutoBlockSwitch(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()
	a, err := r.client.SetAutoBlock(ctx, false)
	if err != nil || a.On || !a.Configured || a.By == "" || a.Warning != "" {
		t.Fatalf("switch off: %+v, %v", a, err)
	}
	r.scanSettled(t, "203.0.113.5")
	if l.kernel.has("203.0.113.5/32") {
		t.Error("auto-blocked with the switch off")
	}
	if a, err = r.client.SetAutoBlock(ctx, true); err != nil || !a.On {
		t.Fatalf("switch on: %+v, %v", a, err)
	}
	r.scanSettled(t, "203.0.113.6")
	if !l.kernel.has("203.0.113.6/32") {
		t.Error("not auto-blocked with the switch on")
	}

	// Off, then a restart: still off, with who set it.
	if _, err = r.client.SetAutoBlock(ctx, false); err != nil {
		t.Fatal(err)
	}
	r.stop(t)
	r = l.start(t)
	st, err := r.client.Status(ctx)
	if err != nil || st.Blocking == nil || st.Blocking.Auto.On || !st.Blocking.Auto.Configured || st.Blocking.Auto.By != a.By || st.Blocking.Auto.Changed.IsZero() {
		t.Fatalf("after restart: %+v, %v", st.Blocking, err)
	}
	r.scanSettled(t, "203.0.113.7")
	if l.kernel.has("203.0.113.7/32") {
		t.Error("auto-blocked after a restart with the switch saved off")
	}
	r.stop(t)

	// ifw.conf edited to auto = no since: the config wins, the file goes.
	conf, err := os.ReadFile(l.conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.conf, []byte(strings.Replace(string(conf), "auto = yes", "auto = no", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(l.dir, autoStateFile)); err != nil {
		t.Fatalf("no switch file: %v", err)
	}
	r = l.start(t)
	if a, err := r.client.AutoBlock(ctx); err != nil || a.On || a.Configured || !a.Changed.IsZero() {
		t.Errorf("after the config's edit: %+v, %v", a, err)
	}
	if _, err := os.Stat(filepath.Join(l.dir, autoStateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("switch file kept after the config's edit: %v", err)
	}
	if a, err := r.client.SetAutoBlock(ctx, true); err != nil || !a.On || a.Configured {
		t.Fatalf("switch on over auto = no: %+v, %v", a, err)
	}
	r.scanSettled(t, "203.0.113.8")
	if !l.kernel.has("203.0.113.8/32") {
		t.Error("not auto-blocked with the switch on over auto = no")
	}
	r.stop(t)

	// A corrupt file: the config's value.
	if err := os.WriteFile(filepath.Join(l.dir, autoStateFile), []byte("{\"on\":tru"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = l.start(t)
	if a, err := r.client.AutoBlock(ctx); err != nil || a.On || !a.Changed.IsZero() {
		t.Errorf("with a corrupt file: %+v, %v", a, err)
	}
}

// TestReadAutoState: the switch's file read back as written; a missing
// file is none; a corrupt, foreign or oversized one an error naming it.
func TestReadAutoState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, autoStateFile)
	if _, ok, err := readAutoState(path); ok || err != nil {
		t.Errorf("missing: %v %v", ok, err)
	}
	want := autoState{On: true, Configured: false, By: "uid 1000 (al)"}
	want.Changed = want.Changed.AddDate(2026, 0, 0)
	if err := writeAutoState(path, want); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := readAutoState(path); !ok || err != nil || got != want {
		t.Errorf("read back %+v %v %v, want %+v", got, ok, err, want)
	}
	for _, bad := range []string{"", "{", `{"on":true}`, `{"on":true,"changed":"2026-01-01T00:00:00Z","x":1}`,
		`{"on":true,"changed":"2026-01-01T00:00:00Z"} {}`, `{"changed":"2026-01-01T00:00:00Z","by":"` + strings.Repeat("a", maxAutoState) + `"}`} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := readAutoState(path); ok || !errors.Is(err, errAutoState) || !strings.Contains(err.Error(), path) {
			t.Errorf("%.40q: %v %v", bad, ok, err)
		}
	}
}

func FuzzParseAutoState(f *testing.F) {
	f.Add([]byte(`{"on":true,"configured":false,"changed":"2026-01-01T00:00:00Z","by":"root"}`))
	f.Add([]byte(`{"on":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseAutoState(b)
		if err == nil && s.Changed.IsZero() {
			t.Errorf("accepted without a time: %q", b)
		}
	})
}
