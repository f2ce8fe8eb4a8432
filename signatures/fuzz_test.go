package signatures

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

var fuzzAddrs = []netip.Addr{
	netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("198.51.100.8"),
	netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.11"),
	netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("2001:db8::1"),
	netip.MustParseAddr("2001:db8:bad::1"), netip.MustParseAddr("::ffff:198.51.100.9"),
	{},
}

var fuzzProtos = []uint8{
	sources.ProtoTCP, sources.ProtoTCP, sources.ProtoTCP, sources.ProtoUDP, sources.ProtoICMP,
	sources.ProtoICMPv6, sources.ProtoSCTP, sources.ProtoUDPLite, sources.ProtoGRE, 0, 99, 255,
}

const fuzzRecord = 16

// decodePacket fills p from 16 bytes of fuzz input.
func decodePacket(b []byte, base time.Time, p *sources.Packet) time.Time {
	*p = sources.Packet{
		Fields: sources.Field(binary.LittleEndian.Uint16(b[0:])) | sources.HasTime,
		Src:    fuzzAddrs[int(b[2])%len(fuzzAddrs)], Dst: fuzzAddrs[int(b[3])%len(fuzzAddrs)],
		Proto: fuzzProtos[int(b[4])%len(fuzzProtos)], TCPFlags: sources.TCPFlags(b[5]),
		ICMPType: b[6], ICMPCode: b[7] % 20, TTL: b[8], Chain: sources.Chain(b[9] % 5),
		Prefix: []string{"IFW DROP", "IFW ACCEPT", "other"}[b[9]%3], In: []string{"eth0", "wlan0", ""}[b[9]%3],
	}
	port := binary.LittleEndian.Uint16(b[10:])
	if b[12]&1 == 0 {
		port %= 32
	}
	p.DstPort, p.SrcPort = port, 443
	p.Window = []uint16{1024, 65535, 64240, 0}[b[12]>>1&3]
	p.ID = []uint16{54321, 1, binary.LittleEndian.Uint16(b[10:])}[int(b[12]>>3)%3]
	p.Seq = binary.LittleEndian.Uint32(b[10:])
	p.TCPOptions.Set([][]byte{nil, {2, 4, 5, 0xb4}, {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}, {8, 0}}[b[12]>>5&3])
	if b[13]&0x80 != 0 {
		p.FragOff = 8
	}
	t := base.Add(time.Duration(int8(b[14])) * time.Second * time.Duration(b[15]%8))
	if b[13]&0x40 != 0 {
		p.Fields &^= sources.HasTime
	} else {
		p.Time = t
	}
	return t
}

func fuzzEngine(t *testing.T) *Engine {
	dl, err := ParseAutoDL(strings.NewReader("198.51.100.8 0 tcp/0-9\n10.0.0.0/8 2\n2001:db8:bad::/48 0\n"), "fuzz")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DangerLevels = [5]int{2, 3, 4, 6, 8}
	cfg.SweepLevels = [5]int{1, 2, 3, 4, 5}
	cfg.ScanTimeout = 20 * time.Second
	cfg.MaxSources, cfg.MaxDestinations, cfg.MaxPortBitmaps = 3, 6, 2
	cfg.MaxSignatures, cfg.MaxReportItems, cfg.AckScanMinPorts = 2, 4, 2
	cfg.AutoDL = dl
	cfg.IgnoreInterfaces = []string{"wl+"}
	e, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func FuzzObserve(f *testing.F) {
	f.Add(make([]byte, fuzzRecord*4))
	f.Add([]byte(strings.Repeat("\x10\x00\x00\x02\x00\x02\x08\x00\x40\x01\x16\x00\x01\x00\x01\x01", 40)))
	f.Add([]byte(strings.Repeat("\x18\x02\x01\x03\x04\x12\x08\x03\x80\x01\x00\x50\x03\x00\x05\x07", 30)))
	f.Fuzz(func(t *testing.T, data []byte) {
		e := fuzzEngine(t)
		var p sources.Packet
		now := t0
		for len(data) >= fuzzRecord {
			now = decodePacket(data[:fuzzRecord], now, &p)
			data = data[fuzzRecord:]
			d, ok := e.Observe(&p)
			if ok && (d.Attacker.Level < 1 || d.Attacker.Level > MaxLevel || d.PrevLevel >= d.Attacker.Level && d.Reasons&ReasonLevel != 0) {
				t.Fatalf("detection %+v", d)
			}
			checkInvariants(t, e)
		}
		for _, a := range e.Attackers(0) {
			if a.Level < 0 || a.Level > MaxLevel || len(a.Scans) > e.cfg.MaxReportItems || len(a.Signatures) > e.cfg.MaxSignatures {
				t.Fatalf("attacker %+v", a)
			}
		}
	})
}

func checkInvariants(t *testing.T, e *Engine) {
	t.Helper()
	if len(e.srcs) > e.cfg.MaxSources || e.lru.n != len(e.srcs) || len(e.srcs)+len(e.free) > e.cfg.MaxSources {
		t.Fatalf("sources %d, lru %d, free %d", len(e.srcs), e.lru.n, len(e.free))
	}
	if e.bitmaps.inUse > e.cfg.MaxPortBitmaps || e.bitmaps.inUse < 0 {
		t.Fatalf("bitmaps %d", e.bitmaps.inUse)
	}
	for s := e.lru.head; s != nil; s = s.next {
		if s.level > MaxLevel || len(s.pairs) > e.cfg.MaxDestinations || e.srcs[s.addr.As16()] != s {
			t.Fatalf("source %v: level %d, pairs %d", s.addr, s.level, len(s.pairs))
		}
	}
}
