package signatures

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// viaShards counts pkts through n shards, in log order, as a caller with
// one goroutine per engine would (each engine's packets in order).
func viaShards(t *testing.T, cfg Config, n int, pkts []*sources.Packet) *Shards {
	t.Helper()
	sh, err := NewShards(cfg, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	var buf sources.Packet
	for _, p := range pkts {
		buf = *p
		i, st := sh.Stamp(&buf)
		sh.Count(i, &buf, &st)
		scribble(&buf)
	}
	sh.Settle()
	return sh
}

// TestShardsAsOneEngine: N engines sharing a log by source report what one
// engine reports, attackers and counters, for logs in order, out of order,
// with trusted sources, windows ending all along and more ended attackers
// than Retain keeps.
func TestShardsAsOneEngine(t *testing.T) {
	spread := func(pkts []*sources.Packet, step time.Duration) []*sources.Packet {
		for i, p := range pkts {
			p.Time = t0.Add(time.Duration(i) * step)
		}
		return pkts
	}
	newerFirst := func() []*sources.Packet {
		old, newer := mix(3000, 5), mix(3000, 6)
		for _, p := range newer {
			p.Time = p.Time.Add(5 * time.Hour)
		}
		return cat(newer, old)
	}
	logs := map[string][]*sources.Packet{
		"mix":          mix(5000, 1),
		"windows":      spread(mix(5000, 2), 3*time.Second),
		"trusted":      spread(trustedMix(5000, 3), 2*time.Second),
		"newer first":  newerFirst(),
		"behind clock": cat(mix(2000, 7), spread(mix(2000, 8), -time.Second)),
	}
	cfgs := map[string]func(*Config){
		"default":      func(c *Config) { c.Retain = 1000 },
		"short window": func(c *Config) { c.Retain, c.ScanTimeout = 1000, time.Minute },
		"retain full":  func(c *Config) { c.Retain, c.RetainLevelZero, c.ScanTimeout = 7, true, time.Minute },
	}
	for name, pkts := range logs {
		for cname, mod := range cfgs {
			cfg := DefaultConfig()
			mod(&cfg)
			e := newEngine(t, mod)
			var buf sources.Packet
			for _, p := range pkts {
				buf = *p
				e.Count(&buf)
				scribble(&buf)
			}
			e.Settle()
			want, wantSt := e.Attackers(0), e.Stats()
			for n := 1; n <= 4; n++ {
				sh := viaShards(t, cfg, n, pkts)
				if got := sh.Attackers(0); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s, %d shards: %d attackers, want %d", name, cname, n, len(got), len(want))
					for i := range min(len(got), len(want)) {
						if !reflect.DeepEqual(got[i], want[i]) {
							t.Errorf("%d: got %+v\nwant %+v", i, got[i], want[i])
							break
						}
					}
				}
				if got := sh.Stats(); !reflect.DeepEqual(got, wantSt) {
					t.Errorf("%s, %s, %d shards: stats\n%+v, want\n%+v", name, cname, n, got, wantSt)
				}
			}
		}
	}
}

// FuzzShards: whatever the packets (ignored, auto_dl'd, untimed, trusted or
// not, windows ending all along, more ended attackers than Retain), shards
// report what one engine reports, while the log moves forward in time.
func FuzzShards(f *testing.F) {
	f.Add(make([]byte, fuzzRecord*4), uint8(2))
	f.Add([]byte(strings.Repeat("\x10\x00\x00\x02\x00\x02\x08\x00\x40\x01\x16\x00\x01\x00\x01\x01", 40)), uint8(3))
	f.Add([]byte(strings.Repeat("\x18\x02\x01\x03\x04\x12\x08\x03\x80\x01\x00\x50\x03\x00\x05\x07", 30)), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		cfg := fuzzEngine(t).cfg
		cfg.MaxSources, cfg.MaxPortBitmaps = 1000, 1000 // bounds shared: not what this checks
		cfg.Retain, cfg.RetainLevelZero = 3, n&0x80 != 0
		var pkts []*sources.Packet
		now := t0
		for ; len(data) >= fuzzRecord; data = data[fuzzRecord:] {
			p := new(sources.Packet)
			rec := bytes.Clone(data[:fuzzRecord])
			rec[14] &^= 0x80 // forward only: out of order, an end may come at another packet
			now = decodePacket(rec, now, p)
			// An untimed packet is dated at the latest time (in order), not
			// at an uptime of 0, decades before the others: that would be
			// a log out of order, where an end may come at another packet.
			p.Fields &^= sources.HasUptime
			p.Trusted = rec[13]&0x20 != 0
			pkts = append(pkts, p)
		}
		e := settled(t, cfg, pkts)
		sh := viaShards(t, cfg, int(n%5)+1, pkts)
		if got, want := sh.Attackers(0), e.Attackers(0); !reflect.DeepEqual(got, want) {
			t.Fatalf("attackers\n%+v\nwant\n%+v", got, want)
		}
		if got, want := sh.Stats(), e.Stats(); !reflect.DeepEqual(got, want) {
			t.Fatalf("stats\n%+v\nwant\n%+v", got, want)
		}
	})
}

// settled is one engine of cfg that counted copies of pkts, in order,
// and settled.
func settled(t testing.TB, cfg Config, pkts []*sources.Packet) *Engine {
	t.Helper()
	e, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		buf := *p
		e.Count(&buf)
	}
	e.Settle()
	return e
}

// TestShardHashAsBytes: shardHash is the hash of an address's 16 bytes
// (As16), IPv4 or not, so that a source goes to the engine it always went
// to.
func TestShardHashAsBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 10000 {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
		binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
		a := netip.AddrFrom16(b)
		if i%2 == 0 {
			a = netip.AddrFrom4([4]byte(b[:4]))
		}
		c := a.As16()
		want := (binary.LittleEndian.Uint64(c[:8]) ^ binary.LittleEndian.Uint64(c[8:])) * 0x9e3779b97f4a7c15
		if got := shardHash(a); got != want {
			t.Fatalf("%v: %x, want %x", a, got, want)
		}
	}
}
