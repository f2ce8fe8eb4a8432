package verdictlog

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func testEntry() Entry {
	return Entry{At: time.Date(2026, 12, 5, 18, 40, 0, 123e6, time.UTC), Verdict: "allow", By: "rule", Rule: 12,
		UID: 1000, User: "alice", PID: 4242, Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("203.0.113.5"),
		Port: 443, Proto: "tcp"}
}

func TestLine(t *testing.T) {
	e := testEntry()
	got := string(e.AppendLine(nil))
	want := "2026-12-05T18:40:00.123Z allow by=rule rule=12 user=alice uid=1000 pid=4242 exe=/usr/bin/curl dst=203.0.113.5 port=443 proto=tcp name=-\n"
	if got != want {
		t.Errorf("line\n%q, want\n%q", got, want)
	}
	// Blanks, quotes, '=', control characters are quoted: one line, fields split at blanks.
	e = Entry{At: e.At, Verdict: "deny", Would: "allow", By: "timeout", Question: 7, Exe: "/opt/My App/x\n=\"",
		Proto: "udp", Name: "download.example.org"}
	got = string(e.AppendLine(nil))
	want = "2026-12-05T18:40:00.123Z deny would=allow by=timeout question=7 user=- uid=0 exe=\"/opt/My\\x20App/x\\n=\\\"\" dst=- port=0 proto=udp name=download.example.org\n"
	if got != want {
		t.Errorf("line\n%q, want\n%q", got, want)
	}
}

func TestConfig(t *testing.T) {
	var c Config
	for _, bad := range []string{"", "file", "file relative/path", "stdout", "syslog x"} {
		if err := c.ParseTarget(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseTarget(%q) = %v, want ErrConfig", bad, err)
		}
	}
	if err := c.ParseTarget("file /var/lib/ifw/verdicts.log"); err != nil || c.File != "/var/lib/ifw/verdicts.log" || c.Syslog {
		t.Errorf("file: %+v, %v", c, err)
	}
	if err := c.ParseTarget("syslog"); err != nil || !c.Syslog || c.File != "" {
		t.Errorf("syslog: %+v, %v", c, err)
	}
	if err := c.ParseTarget("none"); err != nil || c.Enabled() {
		t.Errorf("none: %+v, %v", c, err)
	}
	for v, want := range map[string]int64{"4096": 4096, "64K": 64 << 10, "10M": 10 << 20, "1G": 1 << 30} {
		if n, err := ParseSize(v); err != nil || n != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", v, n, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "1T", "M", "99999999999G"} {
		if _, err := ParseSize(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseSize(%q) = %v, want ErrConfig", bad, err)
		}
	}
	for _, bad := range []Config{{Syslog: true, File: "/a"}, {File: "/a", MaxSize: 10}, {File: "/a", Keep: -1}, {File: "/a", Keep: MaxKeep + 1}} {
		if err := bad.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("Validate(%+v) = %v, want ErrConfig", bad, err)
		}
	}
}

// runLog starts l.Run; the returned function stops it and returns its
// error.
func runLog(t *testing.T, l *Log) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// TestFileRotated: the file is created 0640, rotated by size into
// PATH.1 … PATH.Keep, and the log never takes more than (Keep+1)·MaxSize;
// every line is whole in one of the files.
func TestFileRotated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "verdicts.log")
	l, err := New(Config{File: path, MaxSize: MinMaxSize, Keep: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := runLog(t, l)
	const n = 300 // about 140 bytes each: 10 files' worth
	for range n {
		l.Add(testEntry())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if st.Written+st.Dropped != n || st.WriteErrors != 0 || st.Rotations == 0 {
		t.Errorf("stats %+v", st)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != fileMode {
		t.Fatalf("log file: %v, %v; want mode %o", fi, err, fileMode)
	}
	for _, name := range []string{path, path + ".1", path + ".2"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > MinMaxSize || !strings.HasSuffix(string(b), "\n") {
			t.Errorf("%s: %d bytes, want whole lines within %d", name, len(b), MinMaxSize)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if !strings.HasPrefix(line, "2026-12-05T18:40:00.123Z allow ") || !strings.HasSuffix(line, " name=-") {
				t.Fatalf("%s: broken line %q", name, line)
			}
		}
	}
	if _, err := os.Stat(path + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s.3 kept beyond Keep: %v", path, err)
	}
}

// TestFileNoLinks: a symbolic link or a hard link at the log's name is
// refused, and its target is left alone.
func TestFileNoLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "shadow")
	if err := os.WriteFile(target, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sym, hard := filepath.Join(dir, "sym.log"), filepath.Join(dir, "hard.log")
	if err := os.Symlink(target, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(target, hard); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{sym, hard} {
		l, err := New(Config{File: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Run(context.Background()); err == nil {
			t.Errorf("%s: Run wrote through a link", path)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "secret\n" {
		t.Errorf("target changed: %q", b)
	}
}

// TestQueueFullDrops: with the writer stuck, Add never waits: the lines
// beyond the queue are dropped and counted.
func TestQueueFullDrops(t *testing.T) {
	l, err := New(Config{Syslog: true, Queue: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 { // no Run: nothing reads the queue
		l.Add(testEntry())
	}
	if st := l.Stats(); st.Dropped != 3 || st.Target != "syslog" {
		t.Errorf("stats %+v, want 3 dropped", st)
	}
}

// fakeSyslog records messages; it fails while fail is set.
type fakeSyslog struct {
	mu   sync.Mutex
	msgs []string
	fail bool
}

func (f *fakeSyslog) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return 0, errors.New("no space left on device")
	}
	f.msgs = append(f.msgs, string(p))
	return len(p), nil
}

func (f *fakeSyslog) Close() error { return nil }

// TestSyslogLines: one message per line, without its newline; a failing
// write loses its lines (counted) and the next batch dials again.
func TestSyslogLines(t *testing.T) {
	fs := &fakeSyslog{fail: true}
	l, err := NewWithDialer(Config{Syslog: true}, func() (Writer, error) { return fs, nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(testEntry())
	stop := runLog(t, l)
	for l.Stats().WriteErrors == 0 { // the failed write, then the next works
		time.Sleep(time.Millisecond)
	}
	fs.mu.Lock()
	fs.fail = false
	fs.mu.Unlock()
	l.Add(testEntry())
	l.Add(testEntry())
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if st.WriteErrors != 1 || st.Written != 2 || len(fs.msgs) != 2 || strings.Contains(fs.msgs[0], "\n") {
		t.Errorf("stats %+v, messages %q", st, fs.msgs)
	}
}

func TestNewDisabled(t *testing.T) {
	if l, err := New(Config{}, nil); l != nil || err != nil {
		t.Errorf("New(zero) = %v, %v; want nil, nil", l, err)
	}
}
