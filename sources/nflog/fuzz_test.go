package nflog

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"testing"

	"github.com/ifw/ifw/sources"
)

// seedPackets are packets of every kind: hand-built ones and some rebuilt
// from the real captures.
func seedPackets(tb testing.TB) [][]byte {
	seeds := [][]byte{
		ip4{ttl: 64, proto: 6, opts: []byte{7, 7, 4, 0, 0, 0, 0, 1}}.with(tcp{sport: 1, dport: 2, flags: 2, opts: []byte{2, 4, 5, 0xb4}}.bytes()),
		ip4{ttl: 64, proto: 17, frag: 0x2000}.with(udp(53, 53, 8)),
		ip4{proto: 1}.with(icmp(3, 4, 1400), ip4{proto: 6, totLen: 1500}.with(tcp{sport: 5, dport: 6, flags: 0x12}.bytes())),
		ip4{proto: 1}.with(icmp(5, 0, 0x01020304), ip4{proto: 1}.with(icmp(8, 0, 1))),
		ip4{proto: 51}.with(ah(6, 9), tcp{}.bytes()),
		ip6{next: 0}.with(ext(44, 0), fragment6(58, 0, true, 7), icmp(128, 0, 5)),
		ip6{next: 58}.with(icmp(2, 0, 1280), ip6{next: 17, plen: 1232}.with(udp(1, 2, 1232))),
		ip6{next: 51}.with(ah(50, 1), esp(2)),
	}
	data, err := os.ReadFile(capturesFile)
	if err != nil {
		return seeds
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for i := 0; sc.Scan(); i++ {
		if i%20 == 0 {
			p := parseLine(tb, sc.Text())
			seeds = append(seeds, encode(&p))
		}
	}
	return seeds
}

// FuzzDecode checks that no payload panics Decode, that an accepted packet
// has valid addresses of one family read from the outer header, that the
// quoted packet of an ICMP error never reaches the outer header, and that
// a reused Packet keeps nothing of the last one.
func FuzzDecode(f *testing.F) {
	for _, s := range seedPackets(f) {
		f.Add(s)
	}
	var reused sources.Packet
	f.Fuzz(func(t *testing.T, payload []byte) {
		var pkt sources.Packet
		if err := Decode(payload, &pkt); err != nil {
			return
		}
		checkOuter(t, payload, &pkt)
		if err := Decode(payload, &reused); err != nil || reused != pkt {
			t.Fatalf("reused packet decodes differently: %v\n%+v\n%+v", err, reused, pkt)
		}
	})
}

func checkOuter(t *testing.T, payload []byte, pkt *sources.Packet) {
	t.Helper()
	src, dst, ttl, ok := outerHeader(payload)
	if !ok || pkt.Src != src || pkt.Dst != dst || pkt.TTL != ttl {
		t.Fatalf("outer header %v>%v ttl %d, want %v>%v ttl %d", pkt.Src, pkt.Dst, pkt.TTL, src, dst, ttl)
	}
	if (pkt.Version == 4) != src.Is4() || (pkt.Version != 4 && pkt.Version != 6) {
		t.Fatalf("version %d for %v", pkt.Version, src)
	}
	if pkt.Has(sources.HasEmbedded) != pkt.Embedded.Src.IsValid() {
		t.Fatalf("embedded flag %v with %+v", pkt.Has(sources.HasEmbedded), pkt.Embedded)
	}
	if pkt.Has(sources.HasEmbedded) && (pkt.Embedded.Src.Is4() != src.Is4() || pkt.Embedded.Dst.Is4() != src.Is4()) {
		t.Fatalf("embedded family differs: %+v", pkt.Embedded)
	}
	if pkt.Has(sources.HasEmbedded) && !isICMP(pkt.Proto) {
		t.Fatalf("embedded packet in protocol %d", pkt.Proto)
	}
	if pkt.Version == 4 && pkt.Proto != 0 && pkt.Proto != payload[9] {
		t.Fatalf("protocol %d, header says %d", pkt.Proto, payload[9])
	}
	if pkt.Has(sources.HasPorts) && pkt.Version == 4 && pkt.FragOff == 0 {
		at := int(payload[0]&0x0f) * 4
		if pkt.SrcPort != be.Uint16(payload[at:]) || pkt.DstPort != be.Uint16(payload[at+2:]) {
			t.Fatalf("ports %d>%d are not the outer header's", pkt.SrcPort, pkt.DstPort)
		}
	}
	if pkt.FlowLabel > 0xfffff || pkt.Res&^0x3c != 0 || pkt.IPOptions.Len()%4 != 0 {
		t.Fatalf("out of range: %+v", pkt)
	}
}

// outerHeader reads the addresses and TTL straight from the payload.
func outerHeader(b []byte) (netip.Addr, netip.Addr, uint8, bool) {
	switch {
	case b[0]>>4 == 4 && len(b) >= ipv4HeaderLen:
		return netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20])), b[8], true
	case b[0]>>4 == 6 && len(b) >= ipv6HeaderLen:
		return netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40])), b[7], true
	}
	return netip.Addr{}, netip.Addr{}, 0, false
}

func isICMP(proto uint8) bool { return proto == sources.ProtoICMP || proto == sources.ProtoICMPv6 }

// TestDecodeAllocs requires Decode to allocate nothing.
func TestDecodeAllocs(t *testing.T) {
	seeds := seedPackets(t)
	var pkt sources.Packet
	allocs := testing.AllocsPerRun(20, func() {
		for _, s := range seeds {
			_ = Decode(s, &pkt)
		}
	})
	if allocs != 0 {
		t.Fatalf("Decode allocates: %v per run", allocs)
	}
}
