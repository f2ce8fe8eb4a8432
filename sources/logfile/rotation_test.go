package logfile

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// TestRotation writes numbered firewall lines at ~10 000 lines/s while the
// file is rotated 16 times, alternating rename (the writer reopens the path
// 30 ms later, as rsyslog on HUP) and copytruncate (atomic with respect to
// the writer), and checks every line arrives once, in order.
func TestRotation(t *testing.T) {
	const (
		rate        = 10_000 // lines per second
		rotations   = 16
		reopenDelay = 30 * time.Millisecond
	)
	path := t.TempDir() + "/fw.log"
	w, err := newSyslogWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	// Grace is the product's default: the writer appends to the old file
	// for reopenDelay after a rename, and a loaded machine may pause it
	// for more than a short Grace in that window (its lines then land in
	// a file the reader has left).
	h := startSource(t, Config{Path: path, FromStart: true, Rotated: []string{path + ".1", path + ".2"},
		Grace: DefaultGrace, Poll: 50 * time.Millisecond})

	began := time.Now()
	g, ctx := errgroup.WithContext(context.Background())
	writing, stopWriting := context.WithCancel(ctx)
	defer stopWriting()
	var renames, copies int
	lead := func(n int) int { return min(n, h.count()+maxLead) }
	g.Go(func() error { return writeAtRate(writing, w, rate, time.Hour, lead) })
	g.Go(func() error {
		defer stopWriting()
		var err error
		renames, copies, err = rotateOften(ctx, w, h, rotations, reopenDelay)
		return err
	})
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	n := w.written()
	for deadline := time.Now().Add(time.Minute); h.count() < n && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a duplicate would show now
	h.stop()
	got := h.received()
	lost, dup, disorder := audit(got, n)
	t.Logf("%d lines, %d rotations (%d rename, %d copytruncate), %d lost, %d duplicated, %d out of order, %v",
		n, renames+copies, renames, copies, lost, dup, disorder, time.Since(began).Round(time.Millisecond))
	if lost+dup+disorder != 0 || len(got) != n {
		t.Errorf("got %d lines for %d written: %d lost, %d duplicated, %d out of order; missing %v",
			len(got), n, lost, dup, disorder, gaps(got, n))
	}
	if st := h.src.Stats().Snapshot(); st.Malformed != 0 || st.Packets != uint64(n) {
		t.Errorf("stats %+v", st)
	}
}

// maxLead bounds how many lines the writer of TestRotation runs ahead of
// the reader: the work (and the files copytruncate copies) stays the same
// however slow the machine, while the reader is still behind at rotations.
const maxLead = 5000

// writeAtRate writes lines at up to rate per second for d or until ctx
// ends, never more than lead (when not nil) allows: lead(n) is how many of
// the first n lines may be written now.
func writeAtRate(ctx context.Context, w *syslogWriter, rate int, d time.Duration, lead func(int) int) error {
	start := time.Now()
	for {
		el := min(time.Since(start), d)
		n := int(el.Seconds() * float64(rate))
		if lead != nil {
			n = lead(n)
		}
		if err := w.writeUpTo(n); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if el == d && w.written() >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Millisecond):
		}
	}
}

// rotateOften rotates n times, every 150 to 250 ms, alternating
// rename and copytruncate (logrotate with rotate 2: path.1 moves to path.2
// first). A copytruncate waits for the writer to have reopened the path and
// the reader to have read some of that file (awaitLive).
func rotateOften(ctx context.Context, w *syslogWriter, h *harness, n int, reopenDelay time.Duration) (renames, copies int, err error) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		select {
		case <-ctx.Done():
			return renames, copies, ctx.Err()
		case <-time.After(time.Duration(150+rnd.IntN(100)) * time.Millisecond):
		}
		if i%2 == 0 {
			renames++
			err = rotateRename(w, reopenDelay)
		} else if err = awaitLive(ctx, w, h); err == nil {
			copies++
			err = rotateCopyTruncate(w)
		}
		if err != nil {
			return renames, copies, fmt.Errorf("rotate: %w", err)
		}
	}
	return renames, copies, nil
}

// awaitLive waits until the reader has handed on a line of the file the
// writer writes. Being on it is not enough: a file truncated before the
// reader read anything of it cannot be told from one that only grew (the
// lines before the truncation are lost to any reader).
func awaitLive(ctx context.Context, w *syslogWriter, h *harness) error {
	deadline := time.Now().Add(time.Minute)
	for ctx.Err() == nil {
		fi, err := os.Stat(w.path)
		if err != nil {
			return err
		}
		id, err := idOf(fi)
		if err != nil {
			return err
		}
		if pos := h.src.Position(); w.reopened() && pos.Inode == id.ino && pos.Offset > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("reader stuck at %d lines, position %+v; path %v, writer reopened %v; goroutines:\n%s",
				h.count(), h.src.Position(), id, w.reopened(), stacks())
		}
		time.Sleep(2 * time.Millisecond)
	}
	return ctx.Err()
}

// TestDrainLimit checks that a writer that never leaves the rotated file
// does not keep the new file from being read past DrainLimit.
func TestDrainLimit(t *testing.T) {
	path := t.TempDir() + "/fw.log"
	appendFile(t, path, lines(0, 1))
	// The old file grows every 10 ms; Grace is long enough that a paused
	// test goroutine does not make it look idle.
	h := startSource(t, Config{Path: path, FromStart: true,
		Grace: DefaultGrace, DrainLimit: 2 * DefaultGrace, Poll: 20 * time.Millisecond})
	h.await(1, testWait)
	old := mustOpenAppend(t, path)
	defer old.Close()
	mustRename(t, path, path+".1")
	appendFile(t, path, lines(1000, 1001))
	deadline := time.Now().Add(testWait)
	for i := 1; ; i++ { // the old file grows every 10 ms, for ever
		mustWrite(t, old, fwLine(i))
		if got := h.received(); got[len(got)-1] == 1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still on the old file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(h.log.String(), "drain limit") {
		t.Error("no warning about the drain limit")
	}
}

// stacks is every goroutine's stack, for a failure message.
func stacks() []byte {
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, true)]
}
