package spool

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuf collects what the spool logs.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func small(dir string) Config {
	return Config{Dir: dir, SegmentBytes: 256, MaxRecord: 64, MaxBytes: 64 << 10, NoSync: true}
}

func open(t *testing.T, cfg Config) (*Spool, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	s, err := New(cfg, slog.New(slog.NewTextHandler(lb, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, lb
}

func rec(i int) []byte { return fmt.Appendf(nil, "record %05d", i) }

func appendN(t *testing.T, s *Spool, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := s.Append(rec(i)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

// drain delivers everything, batch records at a time, and returns what
// was delivered in order.
func drain(t *testing.T, s *Spool, batch int) []string {
	t.Helper()
	var got []string
	for {
		rs, err := s.Peek(batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return got
		}
		for _, r := range rs {
			got = append(got, string(r.Data))
		}
		if err := s.Ack(rs[len(rs)-1]); err != nil {
			t.Fatal(err)
		}
	}
}

func want(from, to int, skip ...int) []string {
	var out []string
	for i := from; i < to; i++ {
		if !contains(skip, i) {
			out = append(out, string(rec(i)))
		}
	}
	return out
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("delivered %d records:\n%v\nwant %d:\n%v", len(got), got, len(want), want)
	}
}

func segFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOrderAndAck: records come back in the order appended, over many
// segments; acknowledged segments are removed; an interleaved append
// while draining is delivered after the older ones.
func TestOrderAndAck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 100)
	if n := len(segFiles(t, dir)); n < 5 {
		t.Fatalf("%d segment files for 100 records of 256-byte segments", n)
	}
	rs, _ := s.Peek(3)
	if err := s.Ack(rs[2]); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 100, 110)
	got := drain(t, s, 7)
	equal(t, got, want(3, 110))
	st := s.Stats()
	if st.Queued != 0 || st.Delivered != 110 || st.Appended != 110 || st.Dropped != 0 {
		t.Fatalf("stats %+v", st)
	}
	if f := segFiles(t, dir); len(f) != 0 {
		t.Fatalf("delivered segments left: %v", f)
	}
	appendN(t, s, 110, 111) // appending after a full drain starts a new segment
	equal(t, drain(t, s, 10), want(110, 111))
}

// TestRestart: what was not acknowledged when the spool closed is
// delivered after New, in order, and nothing acknowledged is resent.
func TestRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 50)
	rs, _ := s.Peek(4)
	s.Ack(rs[3])
	s.Close()
	s2, lb := open(t, small(dir))
	if s2.Len() != 46 {
		t.Fatalf("Len after restart %d, want 46", s2.Len())
	}
	appendN(t, s2, 50, 60)
	equal(t, drain(t, s2, 5), want(4, 60))
	if !strings.Contains(lb.String(), "earlier run") {
		t.Fatalf("the restart with a non-empty spool is not logged:\n%s", lb)
	}
}

// TestTornTail: a crash in the middle of the last write loses that record
// only, and says where.
func TestTornTail(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 30)
	s.Close()
	segs := segFiles(t, dir)
	last := segs[len(segs)-1]
	fi, _ := os.Stat(last)
	if err := os.Truncate(last, fi.Size()-3); err != nil {
		t.Fatal(err)
	}
	s2, lb := open(t, small(dir))
	equal(t, drain(t, s2, 4), want(0, 29))
	if st := s2.Stats(); st.Damaged != 1 {
		t.Fatalf("damage not counted: %+v", st)
	}
	if !strings.Contains(lb.String(), filepath.Base(last)+":") {
		t.Fatalf("the damage's file:offset is not logged:\n%s", lb)
	}
}

// TestCorruption: flipped bits in one record lose that record, not the
// ones after it in the same segment.
func TestCorruption(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	cfg := small(dir)
	cfg.SegmentBytes = 4096
	s, _ := open(t, cfg)
	appendN(t, s, 0, 20)
	s.Close()
	seg := segFiles(t, dir)[0]
	b, _ := os.ReadFile(seg)
	size := len(b) / 20
	b[5*size+headerLen+3] ^= 0x40 // a bit of record 5's payload
	b[9*size+1] ^= 0x01           // record 9's magic
	b[12*size+5] ^= 0x80          // record 12's length
	if err := os.WriteFile(seg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s2, lb := open(t, cfg)
	equal(t, drain(t, s2, 3), want(0, 20, 5, 9, 12))
	if st := s2.Stats(); st.Damaged != 3 || st.DamagedBytes != uint64(3*size) {
		t.Fatalf("damage %+v, want 3 spans of %d bytes", st, size)
	}
	if !strings.Contains(lb.String(), fmt.Sprintf("%s:%d", seg, 5*size)) {
		t.Fatalf("the damage's file:offset is not logged:\n%s", lb)
	}
}

// TestFullDropsOldest: a full spool gives up its oldest records (counted,
// logged) and keeps the newest, in order, with no gap among them.
func TestFullDropsOldest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	cfg := small(dir)
	cfg.MaxBytes = 4 * cfg.SegmentBytes
	s, lb := open(t, cfg)
	appendN(t, s, 0, 200)
	st := s.Stats()
	if st.Dropped == 0 || st.Bytes > cfg.MaxBytes || st.Queued+int(st.Dropped) != 200 {
		t.Fatalf("stats %+v", st)
	}
	equal(t, drain(t, s, 9), want(int(st.Dropped), 200))
	if !strings.Contains(lb.String(), "spool full") {
		t.Fatalf("the drop is not logged:\n%s", lb)
	}
}

// TestMaxRecords bounds the count as well as the bytes.
func TestMaxRecords(t *testing.T) {
	cfg := small(filepath.Join(t.TempDir(), "spool"))
	cfg.MaxRecords = 25
	s, _ := open(t, cfg)
	appendN(t, s, 0, 100)
	st := s.Stats()
	if st.Queued > 25 || st.Queued+int(st.Dropped) != 100 {
		t.Fatalf("stats %+v", st)
	}
	equal(t, drain(t, s, 100), want(100-st.Queued, 100))
}

func TestTooLarge(t *testing.T) {
	s, _ := open(t, small(filepath.Join(t.TempDir(), "spool")))
	if err := s.Append(make([]byte, 65)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a 65-byte record with max_record 64: %v", err)
	}
}

// TestDirSymlinkRefused: a spool directory that is a symlink (planted by
// a local user) is refused, as is one others may write.
func TestDirSymlinkRefused(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	os.Mkdir(target, 0o700)
	link := filepath.Join(base, "spool")
	os.Symlink(target, link)
	if _, err := New(small(link), nil); !errors.Is(err, ErrUnsafe) {
		t.Fatalf("symlinked directory: %v", err)
	}
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o700)
	os.Chmod(open, 0o777)
	if _, err := New(small(open), nil); !errors.Is(err, ErrUnsafe) {
		t.Fatalf("world-writable directory: %v", err)
	}
}

// TestPlantedSymlinks: symlinks planted under the names of the next
// segment and of the ack file never make the spool write through them.
func TestPlantedSymlinks(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "spool")
	victim := filepath.Join(base, "victim")
	os.WriteFile(victim, []byte("precious"), 0o600)
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 5)
	s.Close()
	for _, n := range []string{segName(2), segName(3), ackName} {
		os.Remove(filepath.Join(dir, n))
		if err := os.Symlink(victim, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	s2, _ := open(t, small(dir))
	appendN(t, s2, 5, 40)
	got := drain(t, s2, 4)
	equal(t, got, want(0, 40))
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("the victim was written through a planted symlink: %q", b)
	}
}

// TestHardLinkNotRead: a segment with a second link (someone linked a
// file of theirs in) is left alone.
func TestHardLinkNotRead(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "spool")
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 3)
	s.Close()
	seg := segFiles(t, dir)[0]
	if err := os.Link(seg, filepath.Join(base, "other")); err != nil {
		t.Fatal(err)
	}
	s2, lb := open(t, small(dir))
	if s2.Len() != 0 || !strings.Contains(lb.String(), "one link") {
		t.Fatalf("a hard-linked segment was read (%d records):\n%s", s2.Len(), lb)
	}
}

// TestFileModes: the directory is 0700 and the files 0600.
func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	s, _ := open(t, small(dir))
	appendN(t, s, 0, 3)
	rs, _ := s.Peek(1)
	s.Ack(rs[0])
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v", fi.Mode())
	}
	for _, f := range append(segFiles(t, dir), filepath.Join(dir, ackName)) {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi.Mode(), err)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []Config{
		{}, {Dir: "relative"}, {Dir: "/x", MaxRecord: -1},
		{Dir: "/x", SegmentBytes: 10}, {Dir: "/x", MaxBytes: DefaultSegmentBytes},
		{Dir: "/x", MaxRecords: -1},
	} {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := (Config{Dir: "/x"}).Validate(); err != nil {
		t.Error(err)
	}
}

// TestConcurrentAppendDrain: one goroutine appends while another drains,
// as the daemon's writer and drain loop do: every record once, in order.
func TestConcurrentAppendDrain(t *testing.T) {
	s, _ := open(t, small(filepath.Join(t.TempDir(), "spool")))
	const n = 2000
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			if err := s.Append(rec(i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var got []string
	for len(got) < n {
		rs, err := s.Peek(5)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			select {
			case <-done:
				if s.Len() == 0 {
					t.Fatalf("appender done, %d delivered", len(got))
				}
			default:
			}
			continue
		}
		for _, r := range rs {
			got = append(got, string(r.Data))
		}
		s.Ack(rs[len(rs)-1])
	}
	<-done
	equal(t, got, want(0, n))
}

// TestSyncEvery: with group commit every record is still written before
// Append returns (read back after a reopen without Close's sync), and
// Sync flushes the rest.
func TestSyncEvery(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	cfg := small(dir)
	cfg.NoSync, cfg.SyncEvery = false, time.Minute
	s, _ := open(t, cfg)
	appendN(t, s, 0, 20)
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 20, 25)
	s2, _ := open(t, cfg) // s still open: what it wrote is in the files
	equal(t, drain(t, s2, 7), want(0, 25))
}
