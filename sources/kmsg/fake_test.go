package kmsg

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// step is what one read of the fake device returns.
type step struct {
	rec     string
	err     error
	barrier bool // returns nothing: the reader has finished the step before
}

// fakeReader is a /dev/kmsg whose records a test feeds one read at a time.
type fakeReader struct {
	steps  chan step
	stop   chan struct{}
	once   sync.Once
	closed atomic.Bool
}

func newFakeReader() *fakeReader {
	return &fakeReader{steps: make(chan step), stop: make(chan struct{})}
}

func (f *fakeReader) Read(b []byte) (int, error) {
	for {
		select {
		case <-f.stop:
			return 0, os.ErrDeadlineExceeded
		case st := <-f.steps:
			switch {
			case st.barrier:
				continue
			case st.err != nil:
				return 0, st.err
			}
			return copy(b, st.rec), nil
		}
	}
}

func (f *fakeReader) Interrupt() { f.once.Do(func() { close(f.stop) }) }

func (f *fakeReader) Close() error { f.closed.Store(true); return nil }

var testBoot = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// newTestSource makes a Source on boot "boot-a" with a fixed boot time.
func newTestSource(t testing.TB, cfg Config) *Source {
	t.Helper()
	id := filepath.Join(t.TempDir(), "boot_id")
	if err := os.WriteFile(id, []byte("boot-a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.BootIDPath = id
	if cfg.BootTime.IsZero() {
		cfg.BootTime = testBoot
	}
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fakeRun is one Run of s over steps: what it opened, sent and returned.
type fakeRun struct {
	atEnd   bool
	packets []*sources.Packet
	err     error
	reader  *fakeReader
}

// runSteps runs s, feeds it steps, waits until it has taken them all (or
// returned), cancels it and collects the packets it sent.
func runSteps(t *testing.T, s *Source, steps []step) fakeRun {
	t.Helper()
	var res fakeRun
	res.reader = newFakeReader()
	s.open = func(_ string, atEnd bool) (recordReader, error) {
		res.atEnd = atEnd
		return res.reader, nil
	}
	out := make(chan *sources.Packet, len(steps)+1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, out) }()
	res.err = feed(t, res.reader, append(steps, step{barrier: true}), errc, cancel)
	close(out)
	for p := range out {
		res.packets = append(res.packets, p)
	}
	return res
}

// feed hands steps to r, then cancels and returns Run's result.
func feed(t *testing.T, r *fakeReader, steps []step, errc <-chan error, cancel func()) error {
	t.Helper()
	for _, st := range steps {
		select {
		case r.steps <- st:
		case err := <-errc:
			return err
		case <-time.After(time.Minute):
			t.Fatal("the source stopped reading")
		}
	}
	cancel()
	select {
	case err := <-errc:
		return err
	case <-time.After(time.Minute):
		t.Fatal("Run did not return after cancel")
	}
	return nil
}

// record is a /dev/kmsg record: header, message, newline, dictionary.
func record(prio int, seq uint64, usec int64, msg string, dict ...string) string {
	s := fmt.Sprintf("%d,%d,%d,-;%s\n", prio, seq, usec, msg)
	for _, d := range dict {
		s += " " + d + "\n"
	}
	return s
}

// fwLine is a LOG line with the given prefix.
func fwLine(prefix string) string {
	return prefix + " IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=198.51.100.7 DST=203.0.113.2 " +
		"LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 "
}

// fw is a firewall record with sequence number seq.
func fw(seq uint64, prefix string) step {
	return step{rec: record(4, seq, int64(seq)*1000, fwLine(prefix))}
}
