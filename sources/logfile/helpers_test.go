package logfile

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// fwLine is a real iptables LOG line numbered seq (in ID and SPT).
func fwLine(seq int) string {
	return fmt.Sprintf("Nov 21 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 "+
		"LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=%d PROTO=TCP SPT=%d DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\n",
		seq&0xffff, seq>>16+1)
}

func seqOf(p *sources.Packet) int { return int(p.SrcPort-1)<<16 | int(p.ID) }

func lines(from, to int) string {
	var b []byte
	for i := from; i < to; i++ {
		b = append(b, fwLine(i)...)
	}
	return string(b)
}

func seqs(from, to int) []int {
	s := []int{}
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

func appendFile(t testing.TB, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func inodeOf(t testing.TB, path string) fileID {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	id, err := idOf(fi)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// logBuffer collects a Source's log for the test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// gate holds the collector back while closed.
type gate struct {
	mu sync.Mutex
	ch chan struct{} // non-nil while closed
}

func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
}

func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}

// pass waits while the gate is closed, or until ctx ends.
func (g *gate) pass(ctx context.Context) {
	g.mu.Lock()
	ch := g.ch
	g.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
		}
	}
}

// harness runs a Source and collects the sequence numbers it hands on.
type harness struct {
	t      testing.TB
	src    *Source
	log    *logBuffer
	cancel context.CancelFunc
	done   chan error
	gate   gate // closed: the collector stops receiving
	mu     sync.Mutex
	got    []int
	wg     sync.WaitGroup
}

func startSource(t testing.TB, cfg Config) *harness {
	t.Helper()
	lb := &logBuffer{}
	src, err := New(cfg, slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, src: src, log: lb}
	h.run()
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("source log:\n%s", lb)
		}
	})
	return h
}

// run starts (or restarts) the Source's Run and the collector.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan *sources.Packet)
	h.cancel, h.done = cancel, make(chan error, 1)
	h.wg.Add(2)
	go func() {
		defer h.wg.Done()
		h.done <- h.src.Run(ctx, out)
	}()
	go func() {
		defer h.wg.Done()
		for {
			h.gate.pass(ctx)
			select {
			case p := <-out:
				h.mu.Lock()
				h.got = append(h.got, seqOf(p))
				h.mu.Unlock()
			case <-ctx.Done():
				return
			}
		}
	}()
}

// stop cancels Run and waits for it and the collector.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.wg.Wait()
	if err := <-h.done; err != nil {
		h.t.Errorf("Run: %v", err)
	}
	h.cancel = nil
}

func (h *harness) received() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.got...)
}

// count is how many sequence numbers arrived.
func (h *harness) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// await waits until n sequence numbers arrived.
func (h *harness) await(n int, within time.Duration) []int {
	h.t.Helper()
	deadline := time.Now().Add(within)
	for h.count() < n {
		if time.Now().After(deadline) {
			got := h.received()
			h.t.Fatalf("got %d lines, want %d: %v", len(got), n, tailOf(got))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return h.received()
}

// awaitOpen waits until the Source has opened the file.
func (h *harness) awaitOpen() {
	h.t.Helper()
	waitUntil(h.t, testWait, "the file to be opened", func() bool { return h.src.Position().Inode != 0 })
}

// waitUntil polls cond.
func waitUntil(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func tailOf(s []int) []int {
	if len(s) > 10 {
		return s[len(s)-10:]
	}
	return s
}

// audit counts what is missing, repeated or out of order in got against
// 0..n-1.
func audit(got []int, n int) (lost, dup, disorder int) {
	seen := make([]int, n)
	for i, v := range got {
		if v < 0 || v >= n {
			dup++
			continue
		}
		seen[v]++
		if i > 0 && v < got[i-1] {
			disorder++
		}
	}
	for _, c := range seen {
		switch {
		case c == 0:
			lost++
		case c > 1:
			dup += c - 1
		}
	}
	return lost, dup, disorder
}

func mustRename(t testing.TB, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func mustTruncate(t testing.TB, path string) {
	t.Helper()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
}

func mustOpenAppend(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustWrite(t testing.TB, f *os.File, text string) {
	t.Helper()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// copyTruncate does what logrotate's copytruncate does: copy the file to
// path.1 (through a temporary name), then truncate it in place.
func copyTruncate(t testing.TB, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".tmp", data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRename(t, path+".tmp", path+".1")
	mustTruncate(t, path)
}

// gaps lists the missing ranges of 0..n-1 in got, for failure messages.
func gaps(got []int, n int) [][2]int {
	seen := make([]bool, n)
	for _, v := range got {
		if v >= 0 && v < n {
			seen[v] = true
		}
	}
	var out [][2]int
	for i := 0; i < n; i++ {
		if !seen[i] {
			j := i
			for j+1 < n && !seen[j+1] {
				j++
			}
			out = append(out, [2]int{i, j})
			i = j
		}
	}
	return out
}
