package logfile

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestSourceBasics(t *testing.T) {
	start := Offset{Inode: 7, Dev: 1, Offset: 42}
	src, err := New(Config{Path: "/nonexistent/fw.log", Name: "kern", Start: start}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name() != "kern" || src.Position() != start || src.Stats() == nil {
		t.Errorf("name %q, position %+v", src.Name(), src.Position())
	}
	if _, err := New(Config{}, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("New with no path: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		want error // nil: Run waits and returns nil on cancel
	}{
		{"missing file waits", dir + "/none.log", nil},
		{"missing directory waits", dir + "/no/such/dir.log", nil},
		{"directory refused", dir, ErrNotRegular},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := New(Config{Path: tc.path, Poll: 20 * time.Millisecond}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			err = src.Run(ctx, make(chan *sources.Packet))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("Run = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestRunTwice(t *testing.T) {
	path := t.TempDir() + "/fw.log"
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h := startSource(t, testConfig(path))
	h.awaitOpen()
	if err := h.src.Run(context.Background(), make(chan *sources.Packet)); !errors.Is(err, ErrRunning) {
		t.Errorf("second Run = %v, want ErrRunning", err)
	}
}

func TestPacketsUntrusted(t *testing.T) {
	path := t.TempDir() + "/fw.log"
	if err := os.WriteFile(path, []byte(fwLine(1)), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := New(Config{Path: path, Name: "kern", FromStart: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan *sources.Packet)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, out) }()
	p := <-out
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.Trusted || p.Source != "kern" || p.ID != 1 || !p.Has(sources.HasTime) {
		t.Errorf("packet %+v", p)
	}
}
