package logfile

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// TestRestart stops the Source mid-stream while a writer goes on, rotates
// the file while it is stopped, and starts a new Source from Position; then
// runs that Source again after a second stop. Every line must arrive once,
// in order, over the three runs.
func TestRestart(t *testing.T) {
	const rate = 5_000
	path := t.TempDir() + "/fw.log"
	w, err := newSyslogWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	cfg := Config{Path: path, FromStart: true, Grace: DefaultGrace, Poll: 50 * time.Millisecond}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var g errgroup.Group
	g.Go(func() error { return writeAtRate(ctx, w, rate, 2*time.Second, nil) })

	first := startSource(t, cfg)
	time.Sleep(500 * time.Millisecond)
	first.stop()
	pos := first.src.Position()
	if err := rotateRename(w, 30*time.Millisecond); err != nil { // while stopped
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)

	cfg.FromStart, cfg.Start = false, pos
	second := startSource(t, cfg)
	waitUntil(t, testWait, "the second run to finish the rotated file", func() bool {
		return strings.Contains(second.log.String(), "reading the next file")
	})
	if !strings.Contains(second.log.String(), "rotated while stopped") {
		t.Error("the second run did not finish the rotated file")
	}
	second.stop()
	time.Sleep(200 * time.Millisecond)
	second.run() // the same Source again: it continues from its Position

	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	n := w.written()
	second.await(n-len(first.received()), testWait)
	time.Sleep(200 * time.Millisecond)
	second.stop()
	got := append(first.received(), second.received()...)
	lost, dup, disorder := audit(got, n)
	t.Logf("%d lines over 3 runs (%d in the first), %d lost, %d duplicated, %d out of order",
		n, len(first.received()), lost, dup, disorder)
	if lost+dup+disorder != 0 || len(got) != n {
		t.Errorf("got %d lines for %d written: %d lost, %d duplicated, %d out of order", len(got), n, lost, dup, disorder)
	}
}
