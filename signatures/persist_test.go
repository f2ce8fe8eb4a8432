package signatures

import (
	"bufio"
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// capturePackets parses a real capture into packets (with the time of
// day of the kmsg form moved to t0's day).
func capturePackets(t testing.TB, name string) []*sources.Packet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(capturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	p := logline.New(logline.Options{Source: "kmsg", Trusted: true})
	var out []*sources.Packet
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		pkt := new(sources.Packet)
		if err := p.Parse(sc.Bytes(), pkt); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, pkt)
	}
	return out
}

// trustedMix is mix() with the packets of attacker and of the IPv6
// scanner coming over a trusted transport, and a few untrusted ones among
// the latter's.
func trustedMix(n int, seed uint32) []*sources.Packet {
	pkts := mix(n, seed)
	v6 := 0
	for _, p := range pkts {
		switch p.Src.String() {
		case attacker:
			p.Trusted = true
		case "2001:db8:bad::1":
			v6++
			p.Trusted = v6 != 50
		}
	}
	return pkts
}

func shippedRules(t testing.TB) *rules.Set {
	set, err := rules.Parse(bytes.NewReader(etc.Signatures), "etc/signatures")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

type roundTrip struct {
	name string
	cfg  func(*Config)
	sigs bool
	pkts []*sources.Packet
}

func roundTripCases(t *testing.T) []roundTrip {
	dl, err := ParseAutoDL(strings.NewReader("192.0.2.45 4\n192.0.2.53 3 udp/1-20\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	return []roundTrip{
		{name: "defaults", pkts: trustedMix(20000, 1)},
		{name: "expiry and retain", pkts: trustedMix(20000, 2), cfg: func(c *Config) {
			c.ScanTimeout, c.Retain = 20*time.Second, 100
		}},
		{name: "evictions", pkts: trustedMix(20000, 3), cfg: func(c *Config) { c.MaxSources = 50 }},
		{name: "saturated bitmaps", pkts: trustedMix(20000, 4), cfg: func(c *Config) {
			c.MaxPortBitmaps, c.MaxDestinations, c.SweepLevels = 1, 40, [5]int{2, 4, 8, 16, 32}
		}},
		{name: "auto_dl", pkts: trustedMix(20000, 5), cfg: func(c *Config) { c.AutoDL = dl }},
		{name: "capture with signatures", pkts: capturePackets(t, "kmsg.log"), sigs: true},
		{name: "full port scans", pkts: cat(synScan(attacker, victim, 1, 65535), synScan(attacker2, victim6, 1, 5000))},
	}
}

func (rt roundTrip) engine(t testing.TB) *Engine {
	t.Helper()
	cfg := DefaultConfig()
	if rt.cfg != nil {
		rt.cfg(&cfg)
	}
	var set *rules.Set
	if rt.sigs {
		set = shippedRules(t)
	}
	e, err := New(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestStateRoundTrip: an engine that saw half of a log, saved and restored
// into a new engine that sees the other half, ends exactly like one engine
// that saw it all: same attackers, detections, Stats (counters included)
// and the same state bytes.
func TestStateRoundTrip(t *testing.T) {
	for _, rt := range roundTripCases(t) {
		t.Run(rt.name, func(t *testing.T) {
			half := len(rt.pkts) / 2
			whole := rt.engine(t)
			feed(whole, rt.pkts[:half])
			wantDs := feed(whole, rt.pkts[half:])

			first := rt.engine(t)
			feed(first, rt.pkts[:half])
			blob, err := first.MarshalState()
			if err != nil {
				t.Fatal(err)
			}
			restored := rt.engine(t)
			if err := restored.RestoreState(blob); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, restored)
			if again, _ := restored.MarshalState(); !bytes.Equal(again, blob) {
				t.Fatal("restored engine marshals differently")
			}
			if a, b := first.Attackers(0), restored.Attackers(0); !reflect.DeepEqual(a, b) {
				t.Fatalf("attackers right after restore differ")
			}
			gotDs := feed(restored, rt.pkts[half:])
			compareEngines(t, whole, restored)
			if !reflect.DeepEqual(wantDs, gotDs) {
				t.Errorf("detections of the second half differ: %d vs %d", len(wantDs), len(gotDs))
			}
		})
	}
}

func compareEngines(t *testing.T, want, got *Engine) {
	t.Helper()
	if a, b := want.Attackers(0), got.Attackers(0); !reflect.DeepEqual(a, b) {
		t.Errorf("attackers differ: %d vs %d", len(a), len(b))
		for i := range min(len(a), len(b)) {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("first difference:\n%+v\n%+v", a[i], b[i])
			}
		}
	}
	if a, b := want.Stats(), got.Stats(); !reflect.DeepEqual(a, b) {
		t.Errorf("stats differ:\n%+v\n%+v", a, b)
	}
	a, _ := want.MarshalState()
	b, _ := got.MarshalState()
	if !bytes.Equal(a, b) {
		t.Errorf("states differ (%d and %d bytes)", len(a), len(b))
	}
}

// TestRestoreStateOtherConfig: a state restored under smaller limits keeps
// the most recent sources, the first destinations and exact port counts.
func TestRestoreStateOtherConfig(t *testing.T) {
	big := newEngine(t, func(c *Config) { c.Retain = 10 })
	var pkts []*sources.Packet
	for i := range 20 {
		src := netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}).String()
		pkts = append(pkts, at(syn(src, victim, 22), time.Duration(i)*time.Second))
	}
	pkts = append(pkts, cat(synScan(attacker, victim, 1, 200), sweepHosts(attacker, 445, 30))...)
	for _, p := range pkts[20:] {
		p.Time = p.Time.Add(time.Minute)
	}
	feed(big, pkts)
	blob, _ := big.MarshalState()
	tests := []struct {
		name  string
		cfg   func(*Config)
		check func(t *testing.T, e *Engine)
	}{
		{"fewer sources", func(c *Config) { c.MaxSources, c.Retain = 5, 10 }, func(t *testing.T, e *Engine) {
			if st := e.Stats(); st.Sources != 5 || st.Evicted != 16 {
				t.Errorf("stats %+v", st)
			}
			if _, ok := find(e, attacker); !ok {
				t.Error("most recent source not kept")
			}
			if _, ok := find(e, "192.0.2.1"); ok {
				t.Error("oldest source kept")
			}
			if a, ok := find(e, attacker); !ok || a.Level != big.Attackers(0)[0].Level {
				t.Errorf("scanner %+v", a)
			}
		}},
		{"fewer destinations", func(c *Config) { c.MaxDestinations, c.SweepLevels = 10, [5]int{1, 2, 3, 4, 5} }, func(t *testing.T, e *Engine) {
			a, _ := find(e, attacker)
			if a.DestinationCount != 30 || len(a.Destinations) != 10 || a.Level != 3 {
				t.Errorf("attacker %+v", a)
			}
			feed(e, []*sources.Packet{at(syn(attacker, "203.0.113.200", 445), 2*time.Minute)})
			if st := e.Stats(); st.Untracked != 1 {
				t.Errorf("stats %+v", st)
			}
		}},
		{"no bitmaps", func(c *Config) { c.MaxPortBitmaps = 0 }, func(t *testing.T, e *Engine) {
			a, _ := find(e, attacker)
			// 1-200 and 445 (the sweep passes the victim): a pair set and
			// the sweep set, each of 201 ports, find no bitmap.
			if s, ok := hasScan(a, ScanSYN, "tcp"); !ok || s.DistinctPorts != 201 || s.MinPort != 1 || s.MaxPort != 445 {
				t.Errorf("scan %+v", s)
			}
			if st := e.Stats(); st.PortBitmaps != 0 || st.SaturatedPortSets != 2 {
				t.Errorf("stats %+v", st)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, tt.cfg)
			if err := e.RestoreState(blob); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, e)
			tt.check(t, e)
		})
	}
}

// TestRestoreStateRefuses: a damaged or foreign blob gives a typed error and
// leaves the engine empty, also one that had state before.
func TestRestoreStateRefuses(t *testing.T) {
	src := newEngine(t)
	feed(src, trustedMix(2000, 9))
	good, _ := src.MarshalState()
	withCRC := func(b []byte) []byte { return appendCRC(b[:len(b)-4]) }
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 0x40; return b }
	v3, v0 := bytes.Clone(good), bytes.Clone(good)
	v3[len(stateMagic)], v0[len(stateMagic)] = stateVersion+1, 0
	tests := []struct {
		name string
		blob []byte
		want error
	}{
		{"empty", nil, ErrStateCorrupt},
		{"garbage", []byte("hello, world, this is not a state"), ErrStateCorrupt},
		{"newer version", withCRC(v3), ErrStateVersion},
		{"version 0", withCRC(v0), ErrStateVersion},
		{"flipped bit", flip(len(good) / 2), ErrStateCorrupt},
		{"truncated", good[:len(good)-100], ErrStateCorrupt},
		{"truncated body with checksum", withCRC(good[:len(good)-100]), ErrStateCorrupt},
		{"trailing bytes", appendCRC(append(bytes.Clone(good[:len(good)-4]), 0, 0)), ErrStateCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			feed(e, trustedMix(500, 3))
			err := e.RestoreState(tt.blob)
			var se *StateError
			if !errors.Is(err, tt.want) || !errors.As(err, &se) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			checkEmpty(t, e)
		})
	}
}

func appendCRC(body []byte) []byte {
	b := bytes.Clone(body)
	return append(b, crcBytes(b)...)
}

func crcBytes(b []byte) []byte {
	w := wbuf{}
	w.b = append(w.b, 0, 0, 0, 0)
	sum := crc32Castagnoli(b)
	w.b[0], w.b[1], w.b[2], w.b[3] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
	return w.b
}

func checkEmpty(t *testing.T, e *Engine) {
	t.Helper()
	fresh := newEngine(t, func(c *Config) { *c = e.cfg })
	if !reflect.DeepEqual(e.Stats(), fresh.Stats()) || len(e.Attackers(0)) != 0 || e.lru.n != 0 {
		t.Fatalf("engine not empty: %+v", e.Stats())
	}
	feed(e, synScan(attacker, victim, 1, 10))
	if a, ok := find(e, attacker); !ok || a.Packets != 10 {
		t.Errorf("engine unusable after a refused state: %+v", a)
	}
}
