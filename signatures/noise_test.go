package signatures

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// noisy is a log of one- and few-packet sources that come back after
// gaps around the scan timeout (short windows), some of them out of order,
// with a scanner among them.
func noisy(n int, seed uint32) []*sources.Packet {
	r := seed
	next := func() uint32 { r ^= r << 13; r ^= r >> 17; r ^= r << 5; return r }
	var out []*sources.Packet
	ports := []uint16{22, 23, 80, 443, 445, 3389, 6667, 2323, 5900, 31337, 1433}
	for i := range n {
		var p *sources.Packet
		switch k := next() % 10; {
		case k < 2:
			p = tcp(attacker, victim, uint16(next()%3000+1), sources.SYN, nmapSYN)
		case k < 3:
			p = &sources.Packet{Src: netip.AddrFrom4([4]byte{100, 64, 0, byte(next())}), Dst: netip.MustParseAddr(victim),
				Proto: sources.ProtoICMP, ICMPType: uint8(next() % 20), Fields: sources.HasICMP, TTL: 50}
		case k < 4:
			src := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(next() % 16)})
			p = syn(src.String(), "2001:db8::1", ports[next()%uint32(len(ports))])
		default:
			src := netip.AddrFrom4([4]byte{100, 0, byte(next() % 4), byte(next())})
			dst := netip.AddrFrom4([4]byte{192, 0, 2, byte(next() % 8)})
			p = syn(src.String(), dst.String(), ports[next()%uint32(len(ports))])
			p.Trusted = next()%8 == 0
		}
		d := time.Duration(i) * 200 * time.Millisecond
		if next()%50 == 0 {
			d -= 90 * time.Second // out of order
		}
		p.Time = t0.Add(d)
		out = append(out, p)
	}
	return out
}

// sameWithNoise runs pkts through an engine with cfg and one with
// cfg.CompactNoise too and fails unless they report the same: every
// detection, the attackers, the stats and the saved state.
func sameWithNoise(t *testing.T, name string, cfg Config, set *rules.Set, pkts []*sources.Packet) {
	t.Helper()
	run := func(compact bool) ([]Detection, *Engine) {
		c := cfg
		c.CompactNoise = compact
		e, err := New(c, set)
		if err != nil {
			t.Fatal(err)
		}
		return feed(e, pkts), e
	}
	wantD, want := run(false)
	gotD, got := run(true)
	if !reflect.DeepEqual(gotD, wantD) {
		t.Errorf("%s: %d detections, want %d", name, len(gotD), len(wantD))
	}
	if g, w := got.Stats(), want.Stats(); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: stats\n%+v, want\n%+v", name, g, w)
	}
	for _, e := range []*Engine{want, got} {
		e.Settle()
	}
	if g, w := got.Attackers(1), want.Attackers(1); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: %d attackers, want %d", name, len(g), len(w))
	}
	if g, w := got.Stats(), want.Stats(); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: stats after Settle\n%+v, want\n%+v", name, g, w)
	}
	gs, _ := got.MarshalState()
	ws, _ := want.MarshalState()
	if !bytes.Equal(gs, ws) {
		t.Errorf("%s: saved states differ", name)
	}
	if g, w := got.Attackers(0), want.Attackers(0); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: %d attackers at level 0, want %d", name, len(g), len(w))
	}
}

func TestCompactNoiseSameReport(t *testing.T) {
	set := shippedRules(t)
	logs := map[string][]*sources.Packet{
		"mix":     mix(5000, 1),
		"trusted": trustedMix(5000, 3),
		"noisy":   noisy(20000, 4),
		"noisy2":  noisy(20000, 5),
	}
	cfgs := map[string]func(*Config){
		"default":      func(c *Config) { c.Retain = 1000 },
		"no retain":    func(c *Config) {},
		"short window": func(c *Config) { c.Retain, c.ScanTimeout = 1000, time.Minute },
		"few sources":  func(c *Config) { c.Retain, c.ScanTimeout, c.MaxSources = 100, time.Minute, 40 },
		"few destinations": func(c *Config) {
			c.ScanTimeout, c.MaxDestinations, c.MaxSignatures, c.SweepLevels = time.Minute, 5, 1, [5]int{1, 2, 3, 4, 5}
		},
		"retain level 0":   func(c *Config) { c.Retain, c.RetainLevelZero, c.ScanTimeout = 50, true, time.Minute },
		"few bitmaps":      func(c *Config) { c.ScanTimeout, c.MaxPortBitmaps = time.Minute, 1 },
		"sweeps at 2 dsts": func(c *Config) { c.ScanTimeout, c.SweepLevels = time.Minute, [5]int{2, 3, 4, 5, 6} },
	}
	for name, pkts := range logs {
		for cname, mod := range cfgs {
			cfg := DefaultConfig()
			mod(&cfg)
			sameWithNoise(t, name+", "+cname, cfg, set, pkts)
			sameWithNoise(t, name+", "+cname+", no signatures", cfg, nil, pkts)
		}
	}
}

// TestCompactNoiseShards: shards with noise records report what one
// engine without them reports.
func TestCompactNoiseShards(t *testing.T) {
	pkts := noisy(20000, 6)
	for i, p := range pkts { // in order: Shards' premise
		p.Time = t0.Add(time.Duration(i) * 200 * time.Millisecond)
	}
	cfg := DefaultConfig()
	cfg.Retain, cfg.ScanTimeout = 1000, time.Minute
	e := settled(t, cfg, pkts)
	cfg.CompactNoise = true
	for n := 1; n <= 3; n++ {
		sh := viaShards(t, cfg, n, pkts)
		if got, want := sh.Attackers(1), e.Attackers(1); !reflect.DeepEqual(got, want) {
			t.Errorf("%d shards: %d attackers, want %d", n, len(got), len(want))
		}
		if got, want := sh.Stats(), e.Stats(); !reflect.DeepEqual(got, want) {
			t.Errorf("%d shards: stats\n%+v, want\n%+v", n, got, want)
		}
		if got, want := sh.Attackers(0), e.Attackers(0); !reflect.DeepEqual(got, want) {
			t.Errorf("%d shards: %d attackers at level 0, want %d", n, len(got), len(want))
		}
	}
}

func TestCompactNoiseCaptures(t *testing.T) {
	set := shippedRules(t)
	names, err := filepath.Glob(filepath.Join(capturesDir, "*.log"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		p := logline.New(logline.Options{})
		var pkts []*sources.Packet
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			pkt := new(sources.Packet)
			if p.Parse(sc.Bytes(), pkt) == nil {
				pkt.TCPOptions.Set(bytes.Clone(pkt.TCPOptions.Bytes()))
				pkt.IPOptions.Set(bytes.Clone(pkt.IPOptions.Bytes()))
				pkts = append(pkts, pkt)
			}
		}
		f.Close()
		cfg := DefaultConfig()
		cfg.Retain = 1000
		sameWithNoise(t, filepath.Base(name), cfg, set, pkts)
	}
}

// FuzzCompactNoise: whatever the packets (ignored, auto_dl'd, untimed,
// trusted or not, out of order, sources evicted, signatures), an engine
// with noise records reports what one without them reports.
func FuzzCompactNoise(f *testing.F) {
	f.Add(make([]byte, fuzzRecord*4), uint8(2))
	f.Add([]byte("\x10\x00\x00\x02\x00\x02\x08\x00\x40\x01\x16\x00\x01\x00\x01\x01\x10\x00\x00\x02\x00\x02\x08\x00\x40\x01\x17\x00\x01\x00\x05\x07"), uint8(3))
	f.Add([]byte("\x18\x02\x01\x03\x04\x12\x08\x03\x80\x01\x00\x50\x03\x00\x05\x07\x18\x02\x02\x03\x04\x12\x08\x03\x80\x01\x17\x00\x03\x00\x7f\x07"), uint8(0x81))
	set := shippedRules(f)
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		cfg := fuzzEngine(t).cfg
		cfg.MaxSources = int(n%6) + 1
		cfg.Retain, cfg.RetainLevelZero = int(n>>3%4), n&0x80 != 0
		var pkts []*sources.Packet
		now := t0
		for ; len(data) >= fuzzRecord; data = data[fuzzRecord:] {
			p := new(sources.Packet)
			now = decodePacket(data[:fuzzRecord], now, p)
			p.Trusted = data[13]&0x20 != 0
			pkts = append(pkts, p)
		}
		var s *rules.Set
		if n&0x40 != 0 {
			s = set
		}
		sameWithNoise(t, "fuzz", cfg, s, pkts)
	})
}
