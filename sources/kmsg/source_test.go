package kmsg

import (
	"context"
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		steps    []step
		atEnd    bool
		prefixes []string
		stats    sources.StatsSnapshot
		last     uint64
		have     bool
		err      error
	}{{
		name: "mixed records",
		steps: []step{
			{rec: record(4, 1, 1000, fwLine("A"), "SUBSYSTEM=net", "DEVICE=+net:eth0")},
			{rec: record(6, 2, 2000, "usb 1-1: new high-speed USB device number 3 using xhci_hcd")},
			{rec: record(4, 3, 3000, "C IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TTL=999 PROTO=TCP")},
			{rec: "no header here IN=eth0 OUT= SRC=198.51.100.7\n"},
			fw(4, "B"),
		},
		prefixes: []string{"A", "B"},
		stats:    sources.StatsSnapshot{Lines: 5, Packets: 2, Skipped: 1, Malformed: 2},
		last:     4,
		have:     true,
	}, {
		name:     "overrun counts the gap",
		steps:    []step{fw(10, "A"), {err: syscall.EPIPE}, fw(15, "B")},
		prefixes: []string{"A", "B"},
		stats:    sources.StatsSnapshot{Lines: 2, Packets: 2, Dropped: 4},
		last:     15,
		have:     true,
	}, {
		name:     "resume this boot",
		cfg:      Config{StartAtEnd: true, Resume: &Position{BootID: "boot-a", Seq: 11}},
		steps:    []step{fw(10, "A"), fw(11, "B"), fw(12, "C")},
		prefixes: []string{"C"},
		stats:    sources.StatsSnapshot{Lines: 1, Packets: 1},
		last:     12,
		have:     true,
	}, {
		name:     "resume older than the ring",
		cfg:      Config{Resume: &Position{Seq: 5}},
		steps:    []step{fw(9, "A")},
		prefixes: []string{"A"},
		stats:    sources.StatsSnapshot{Lines: 1, Packets: 1, Dropped: 3},
		last:     9,
		have:     true,
	}, {
		name:     "resume from another boot reads the ring",
		cfg:      Config{StartAtEnd: true, Resume: &Position{BootID: "boot-b", Seq: 100}},
		steps:    []step{fw(1, "A"), fw(2, "B")},
		prefixes: []string{"A", "B"},
		stats:    sources.StatsSnapshot{Lines: 2, Packets: 2},
		last:     2,
		have:     true,
	}, {
		name:     "start at end",
		cfg:      Config{StartAtEnd: true},
		steps:    []step{fw(7, "A")},
		atEnd:    true,
		prefixes: []string{"A"},
		stats:    sources.StatsSnapshot{Lines: 1, Packets: 1},
		last:     7,
		have:     true,
	}, {
		name: "nothing read",
	}, {
		name:     "read error",
		steps:    []step{fw(1, "A"), {err: syscall.EIO}},
		prefixes: []string{"A"},
		stats:    sources.StatsSnapshot{Lines: 1, Packets: 1},
		last:     1,
		have:     true,
		err:      syscall.EIO,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSource(t, tt.cfg)
			res := runSteps(t, s, tt.steps)
			if !errors.Is(res.err, tt.err) || (tt.err == nil) != (res.err == nil) {
				t.Fatalf("Run = %v, want %v", res.err, tt.err)
			}
			if res.atEnd != tt.atEnd || !res.reader.closed.Load() {
				t.Errorf("opened at end %v, closed %v; want at end %v, closed", res.atEnd, res.reader.closed.Load(), tt.atEnd)
			}
			if got := prefixes(res.packets); !slices.Equal(got, tt.prefixes) {
				t.Errorf("prefixes %q, want %q", got, tt.prefixes)
			}
			want := tt.stats // LastError: the supervisor records it
			if got := s.Stats().Snapshot(); got != want {
				t.Errorf("stats %+v, want %+v", got, want)
			}
			pos, have := s.Position()
			if pos.Seq != tt.last || have != tt.have || s.LastSeq() != tt.last || pos.BootID != "boot-a" {
				t.Errorf("position %+v %v, LastSeq %d; want seq %d %v", pos, have, s.LastSeq(), tt.last, tt.have)
			}
		})
	}
}

func TestPacket(t *testing.T) {
	s := newTestSource(t, Config{Name: "kern"})
	res := runSteps(t, s, []step{{rec: record(4, 3, 5_250_000, fwLine("[UFW BLOCK]"), "SUBSYSTEM=net")}})
	if len(res.packets) != 1 {
		t.Fatalf("%d packets", len(res.packets))
	}
	p := res.packets[0]
	wantTime := testBoot.Add(5250 * time.Millisecond)
	if p.Source != "kern" || !p.Trusted || p.Prefix != "[UFW BLOCK]" || !p.Time.Equal(wantTime) ||
		!p.Has(sources.HasTime|sources.HasUptime) || p.DstPort != 22 || p.TCPFlags != sources.SYN {
		t.Errorf("packet %+v", p)
	}
	if s.Name() != "kern" {
		t.Errorf("Name %q", s.Name())
	}
}

// TestRestart runs a Source twice: the second Run reads the ring again
// from its oldest record, even with StartAtEnd, and hands on only what the
// first did not.
func TestRestart(t *testing.T) {
	s := newTestSource(t, Config{StartAtEnd: true})
	first := runSteps(t, s, []step{fw(1, "A"), fw(2, "B")})
	second := runSteps(t, s, []step{fw(1, "A"), fw(2, "B"), fw(3, "C")})
	if !first.atEnd || second.atEnd {
		t.Errorf("at end: first %v, second %v", first.atEnd, second.atEnd)
	}
	if got := append(prefixes(first.packets), prefixes(second.packets)...); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Errorf("prefixes %q", got)
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		out   chan *sources.Packet
	}{
		{name: "blocked reading", out: make(chan *sources.Packet, 1)},
		{name: "blocked sending", steps: []step{fw(1, "A")}, out: make(chan *sources.Packet)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSource(t, Config{})
			r := newFakeReader()
			s.open = func(string, bool) (recordReader, error) { return r, nil }
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- s.Run(ctx, tt.out) }()
			for _, st := range tt.steps {
				r.steps <- st
			}
			time.Sleep(20 * time.Millisecond) // let it block in Read or in the send
			cancel()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("Run = %v", err)
				}
			case <-time.After(time.Minute): // a guard against a hang, not a speed limit
				t.Fatal("Run did not return after cancel")
			}
			if _, have := s.Position(); have || !r.closed.Load() {
				t.Errorf("position kept %v, reader closed %v", have, r.closed.Load())
			}
		})
	}
}

func TestOpenError(t *testing.T) {
	s := newTestSource(t, Config{})
	s.open = func(string, bool) (recordReader, error) { return nil, syscall.EACCES }
	err := s.Run(context.Background(), make(chan *sources.Packet))
	if !errors.Is(err, syscall.EACCES) || s.Stats().Snapshot().LastError != "" {
		t.Errorf("Run = %v, stats %+v", err, s.Stats().Snapshot())
	}
}

func prefixes(ps []*sources.Packet) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Prefix)
	}
	return out
}
