package journal

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// wantPacket is what a test checks of a packet.
type wantPacket struct {
	prefix  string
	trusted bool
	host    string
}

func TestEntries(t *testing.T) {
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name    string
		lines   []string
		packets []wantPacket
		stats   sources.StatsSnapshot // before the final entry
		cursor  string                // before the final entry
	}{{
		name:    "kernel transport is trusted",
		lines:   []string{jsonLine(kernelEntry("c1", fwLine("[UFW BLOCK]")))},
		packets: []wantPacket{{prefix: "[UFW BLOCK]", trusted: true, host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 1, Packets: 1},
		cursor:  "c1",
	}, {
		name:    "syslog transport is not",
		lines:   []string{jsonLine(with(kernelEntry("c1", fwLine("K")), "_TRANSPORT", "syslog", "_HOSTNAME", "other"))},
		packets: []wantPacket{{prefix: "K", host: "other"}},
		stats:   sources.StatsSnapshot{Lines: 1, Packets: 1},
		cursor:  "c1",
	}, {
		name:    "repeated transport is not",
		lines:   []string{jsonLine(with(kernelEntry("c1", fwLine("K")), "_TRANSPORT", []string{"kernel", "kernel"}))},
		packets: []wantPacket{{prefix: "K", host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 1, Packets: 1},
		cursor:  "c1",
	}, {
		name:    "message as bytes",
		lines:   []string{jsonLine(with(kernelEntry("c1", ""), "MESSAGE", byteArray(fwLine("B\x01"))))},
		packets: []wantPacket{{prefix: "B\x01", trusted: true, host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 1, Packets: 1},
		cursor:  "c1",
	}, {
		name:   "prefix not UTF-8",
		lines:  []string{jsonLine(with(kernelEntry("c1", ""), "MESSAGE", byteArray(fwLine("B\xff"))))},
		stats:  sources.StatsSnapshot{Lines: 1, Malformed: 1},
		cursor: "c1",
	}, {
		name:    "repeated message keeps the first",
		lines:   []string{jsonLine(with(kernelEntry("c1", ""), "MESSAGE", []any{fwLine("R"), "second"}))},
		packets: []wantPacket{{prefix: "R", trusted: true, host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 1, Packets: 1},
		cursor:  "c1",
	}, {
		name: "null and missing message",
		lines: []string{
			`{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"1","_TRANSPORT":"kernel","MESSAGE":null}` + "\n",
			jsonLine(with(kernelEntry("c2", ""), "MESSAGE", nil)),
		},
		stats:  sources.StatsSnapshot{Lines: 2, Skipped: 2},
		cursor: "c2",
	}, {
		name: "other lines skipped, cursor kept",
		lines: []string{
			jsonLine(kernelEntry("c1", fwLine("A"))),
			jsonLine(kernelEntry("c2", "usb 1-1: new high-speed USB device number 3 using xhci_hcd")),
		},
		packets: []wantPacket{{prefix: "A", trusted: true, host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 2, Packets: 1, Skipped: 1},
		cursor:  "c2",
	}, {
		name: "malformed lines are counted, not fatal",
		lines: []string{
			"-- No entries --\n",
			`{"MESSAGE": 12}` + "\n",
			"\n",
			jsonLine(with(kernelEntry("c1", fwLine("T")), "__REALTIME_TIMESTAMP", nil)),
			jsonLine(kernelEntry("c2", "X IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TTL=999 PROTO=TCP")),
			jsonLine(kernelEntry("c3", fwLine("OK"))),
		},
		packets: []wantPacket{{prefix: "OK", trusted: true, host: "fw1"}},
		stats:   sources.StatsSnapshot{Lines: 5, Packets: 1, Malformed: 4},
		cursor:  "c3",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			final := jsonLine(kernelEntry("final", "the end"))
			path, _ := fakeJournalctl(t, fake{stdout: strings.Join(tt.lines, "") + final, follow: true})
			s := newTestSource(t, Config{JournalctlPath: path, Name: "jrnl"})
			res := run(t, s, "final")
			if res.err != nil {
				t.Fatalf("Run = %v", res.err)
			}
			checkPackets(t, res.packets, tt.packets)
			want := tt.stats
			want.Lines, want.Skipped = want.Lines+1, want.Skipped+1
			if got := s.Stats().Snapshot(); got != want {
				t.Errorf("stats %+v, want %+v", got, want)
			}
		})
	}
}

func checkPackets(t *testing.T, got []*sources.Packet, want []wantPacket) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d packets, want %d", len(got), len(want))
	}
	for i, p := range got {
		w := want[i]
		if p.Prefix != w.prefix || p.Trusted != w.trusted || p.Host != w.host || p.Source != "jrnl" ||
			!p.Time.Equal(entryTime) || !p.Has(sources.HasTime) || p.DstPort != 22 {
			t.Errorf("packet %d: %+v, want %+v at %v", i, p, w, entryTime)
		}
	}
}

// TestCursor checks that the cursor of every entry handled is kept, and
// that the cursor passed to journalctl is the configured one, then after
// a restart the last one seen.
func TestCursor(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		first string // the resume argument of the first run
	}{
		{name: "from the start", first: "--no-tail"},
		{name: "at the end", cfg: Config{StartAtEnd: true}, first: "--lines=0"},
		{name: "after a cursor", cfg: Config{StartAtEnd: true, AfterCursor: "s=1;i=2"}, first: "--after-cursor=s=1;i=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, dir := fakeJournalctl(t, fake{follow: true})
			tt.cfg.JournalctlPath = path
			s := newTestSource(t, tt.cfg)
			if got := s.LastCursor(); got != tt.cfg.AfterCursor {
				t.Errorf("LastCursor before Run = %q", got)
			}
			runs := []struct{ first, last, arg string }{{"c1", "c2", tt.first}, {"c3", "c4", "--after-cursor=c2"}}
			for i, r := range runs {
				out := jsonLine(kernelEntry(r.first, fwLine("A"))) + jsonLine(kernelEntry(r.last, "not firewall"))
				if err := os.WriteFile(filepath.Join(dir, "stdout"), []byte(out), 0o600); err != nil {
					t.Fatal(err)
				}
				before := s.LastCursor()
				if res := run(t, s, r.last); res.err != nil || len(res.packets) != 1 {
					t.Fatalf("run %d: %v, %d packets", i, res.err, len(res.packets))
				}
				args := helperArgs(t, dir)
				if args[len(args)-1] != r.arg || !slices.Equal(args, s.cfg.args(before)) {
					t.Errorf("run %d: args %q, want %q last", i, args, r.arg)
				}
			}
		})
	}
}

func TestArgs(t *testing.T) {
	base := []string{"-k", "-f", "-o", "json", "--output-fields=MESSAGE,_TRANSPORT,_HOSTNAME", "--all", "--quiet", "--no-pager"}
	tests := []struct {
		cfg    Config
		cursor string
		extra  []string
	}{
		{extra: []string{"--no-tail"}},
		{cfg: Config{StartAtEnd: true}, extra: []string{"--lines=0"}},
		{cfg: Config{StartAtEnd: true}, cursor: "s=1", extra: []string{"--after-cursor=s=1"}},
		{cfg: Config{Directory: "/var/log/journal/x"}, extra: []string{"--directory=/var/log/journal/x", "--no-tail"}},
	}
	for _, tt := range tests {
		if got, want := tt.cfg.args(tt.cursor), append(slices.Clone(base), tt.extra...); !slices.Equal(got, want) {
			t.Errorf("%+v %q: args %q, want %q", tt.cfg, tt.cursor, got, want)
		}
	}
}

func TestExit(t *testing.T) {
	tests := []struct {
		name    string
		fake    fake
		cursor  string
		packets int
		errHas  string
		after   string // LastCursor afterwards
	}{
		{name: "failure", fake: fake{stdout: jsonLine(kernelEntry("c1", fwLine("A"))), stderr: "boom\n", exit: 1},
			packets: 1, errHas: "exit status 1: boom", after: "c1"},
		{name: "success is an error too", fake: fake{exit: 0}, errHas: "exit status 0"},
		{name: "refused cursor is dropped", fake: fake{stderr: "Failed to seek to cursor: Invalid argument\n", exit: 1},
			cursor: "s=bad", errHas: "seek to cursor"},
		{name: "other failure keeps the cursor", fake: fake{stderr: "No journal files were found.\n", exit: 1},
			cursor: "s=good", errHas: "No journal files", after: "s=good"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := fakeJournalctl(t, tt.fake)
			s := newTestSource(t, Config{JournalctlPath: path, AfterCursor: tt.cursor})
			res := run(t, s, "")
			if !errors.Is(res.err, ErrExited) || !strings.Contains(res.err.Error(), tt.errHas) {
				t.Errorf("Run = %v, want ErrExited with %q", res.err, tt.errHas)
			}
			if len(res.packets) != tt.packets || s.LastCursor() != tt.after {
				t.Errorf("%d packets, cursor %q; want %d, %q", len(res.packets), s.LastCursor(), tt.packets, tt.after)
			}
			if e := s.Stats().Snapshot().LastError; e != "" {
				t.Errorf("LastError %q set by the source: the supervisor records it", e)
			}
		})
	}
}

func TestStartError(t *testing.T) {
	s := newTestSource(t, Config{JournalctlPath: filepath.Join(t.TempDir(), "missing")})
	if res := run(t, s, ""); !errors.Is(res.err, fs.ErrNotExist) {
		t.Errorf("Run = %v", res.err)
	}
}

// TestCancel ends a Run blocked reading and one blocked sending: both
// return nil at once, and the child is killed and reaped.
func TestCancel(t *testing.T) {
	tests := []struct {
		name   string
		stdout string
	}{
		{name: "blocked reading", stdout: jsonLine(kernelEntry("c1", "nothing"))},
		{name: "blocked sending", stdout: jsonLine(kernelEntry("c1", fwLine("A")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, dir := fakeJournalctl(t, fake{stdout: tt.stdout, follow: true})
			s := newTestSource(t, Config{JournalctlPath: path})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- s.Run(ctx, make(chan *sources.Packet)) }()
			pid := helperPID(t, dir)
			for deadline := time.Now().Add(time.Minute); s.Stats().Lines.Load() != 1; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) { // a guard against a hang, not a speed limit
					t.Fatalf("the entry was never read: stats %+v", s.Stats().Snapshot())
				}
			}
			cancel() // it now blocks on the next entry, or on the send
			if err := <-errc; err != nil {
				t.Errorf("Run = %v", err)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("fake journalctl %d still there: %v", pid, err)
			}
		})
	}
}

// helperPID waits for the fake journalctl to start and returns its pid.
func helperPID(t *testing.T, dir string) int {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil && len(b) > 0 {
			pid, err := strconv.Atoi(string(b))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatal("the fake journalctl did not start")
	return 0
}
