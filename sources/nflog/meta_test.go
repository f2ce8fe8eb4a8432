package nflog

import (
	"errors"
	"testing"
	"time"

	nflog "github.com/florianl/go-nflog/v2"

	"github.com/ifw/ifw/sources"
)

func ptr[T any](v T) *T { return &v }

// fakeInterfaces names indexes 1 (lo), 2 (eth0) and 3 (br0) and counts lookups.
type fakeInterfaces struct{ lookups int }

func (f *fakeInterfaces) lookup(index int) (string, error) {
	f.lookups++
	if n, ok := map[int]string{1: "lo", 2: "eth0", 3: "br0"}[index]; ok {
		return n, nil
	}
	return "", errors.New("no such interface")
}

func TestMetaFill(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stamp := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	hw := []byte{1, 2, 3, 4, 5, 6, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x08, 0x00}
	tests := []struct {
		name string
		a    nflog.Attribute
		want func(p *sources.Packet) bool
	}{
		{"input with everything", nflog.Attribute{Prefix: ptr("ifw-drop \x00"), InDev: ptr(uint32(2)), Timestamp: &stamp,
			Mark: ptr(uint32(0x10)), HwHeader: &hw},
			func(p *sources.Packet) bool {
				return p.Prefix == "ifw-drop" && p.In == "eth0" && p.Out == "" && p.Chain == sources.ChainInput &&
					p.Time.Equal(stamp) && p.Has(sources.HasTime|sources.HasMark|sources.HasMAC) && p.Mark == 0x10 &&
					p.MAC.Src == [6]byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf} && p.MAC.Dst == [6]byte{1, 2, 3, 4, 5, 6} && p.MAC.EtherType == 0x0800
			}},
		{"output with owner, no time stamp", nflog.Attribute{Prefix: ptr("out"), OutDev: ptr(uint32(1)), UID: ptr(uint32(1000)), GID: ptr(uint32(100))},
			func(p *sources.Packet) bool {
				return p.Out == "lo" && p.Chain == sources.ChainOutput && p.Time.Equal(clock) && p.Has(sources.HasUID) &&
					p.UID == 1000 && p.GID == 100 && !p.Has(sources.HasMAC) && !p.Has(sources.HasMark)
			}},
		{"forward over a bridge", nflog.Attribute{InDev: ptr(uint32(3)), OutDev: ptr(uint32(3)), PhysInDev: ptr(uint32(2)), PhysOutDev: ptr(uint32(99))},
			func(p *sources.Packet) bool {
				return p.Chain == sources.ChainForward && p.In == "br0" && p.PhysIn == "eth0" && p.PhysOut == "ifindex:99" && p.Prefix == ""
			}},
		{"odd link header and prefix", nflog.Attribute{Prefix: ptr("  a\xffb\x00junk"), HwHeader: ptr([]byte{1, 2, 3})},
			func(p *sources.Packet) bool { return p.Prefix == "a\uFFFDb" && !p.Has(sources.HasMAC) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeInterfaces{}
			now := func() time.Time { return clock }
			m := meta{source: "nflog:1", names: newIfnames(nil, now, f.lookup), now: now}
			var p sources.Packet
			m.fill(&p, &tt.a)
			if !p.Trusted || p.Source != "nflog:1" || !tt.want(&p) {
				t.Fatalf("unexpected %+v", p)
			}
		})
	}
}

func TestIfnamesCache(t *testing.T) {
	clock := time.Unix(1000, 0)
	f := &fakeInterfaces{}
	c := newIfnames(nil, func() time.Time { return clock }, f.lookup)
	for range 3 {
		if c.name(2) != "eth0" || c.name(42) != "ifindex:42" {
			t.Fatal("wrong names")
		}
	}
	if f.lookups != 2 {
		t.Fatalf("%d lookups, want 2 (failures are cached too)", f.lookups)
	}
	clock = clock.Add(ifnameTTL)
	c.name(2)
	if f.lookups != 3 {
		t.Fatalf("%d lookups after the TTL, want 3", f.lookups)
	}
}
