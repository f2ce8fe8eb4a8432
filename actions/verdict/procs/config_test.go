package procs

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"all set", Config{Proc: "/proc", Hash: true, Refresh: time.Second, MaxInodes: 1000, Conns: 4}, true},
		{"relative proc", Config{Proc: "proc"}, false},
		{"refresh too short", Config{Refresh: time.Millisecond}, false},
		{"negative refresh", Config{Refresh: -time.Second}, false},
		{"too few inodes", Config{MaxInodes: 10}, false},
		{"negative conns", Config{Conns: -1}, false},
		{"too many conns", Config{Conns: MaxConns + 1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Fatalf("Validate(%+v) = %v", c.cfg, err)
			}
			if _, err := New(c.cfg, nil); !c.ok && !errors.Is(err, ErrConfig) {
				t.Errorf("New accepted %+v: %v", c.cfg, err)
			}
		})
	}
	d := Config{}.withDefaults()
	if d.Proc != DefaultProc || d.Refresh != DefaultRefresh || d.MaxInodes != DefaultMaxInodes || d.Conns < 2 || d.Conns > 8 {
		t.Errorf("defaults %+v", d)
	}
}

func TestNewMissingProc(t *testing.T) {
	if f, err := New(Config{Proc: "/nonexistent/proc"}, nil); err == nil {
		_ = f.Close()
		t.Fatal("New with a missing procfs succeeded")
	}
}

func TestRunStops(t *testing.T) {
	f, err := New(Config{Refresh: MinRefresh}, nil)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	time.Sleep(5 * MinRefresh)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
	if f.Stats().Refreshes < 2 {
		t.Errorf("%d refreshes", f.Stats().Refreshes)
	}
	must(t, f.Close())
	if err := f.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
}
