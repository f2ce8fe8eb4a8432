package nflog

import (
	"testing"

	"github.com/ifw/ifw/sources"
)

func BenchmarkDecode(b *testing.B) {
	cases := []struct {
		name string
		pkt  []byte
	}{
		{"ipv4-tcp-syn", ip4{ttl: 52, frag: 0x4000, proto: 6}.with(tcp{sport: 40000, dport: 22, flags: 2, win: 64240,
			opts: []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}}.bytes())},
		{"ipv4-udp", ip4{ttl: 64, proto: 17}.with(udp(53, 33000, 20), zeros(12))},
		{"ipv4-icmp-error", ip4{proto: 1}.with(icmp(3, 3, 0), ip4{proto: 17}.with(udp(1, 2, 8)))},
		{"ipv6-tcp-syn", ip6{hop: 64, next: 6}.with(tcp{sport: 50000, dport: 80, flags: 2, opts: []byte{2, 4, 5, 0xa0}}.bytes())},
		{"ipv6-frag-udp", ip6{hop: 64, next: 44}.with(fragment6(17, 0, true, 0xabcd), udp(1, 2, 3000))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var pkt sources.Packet
			b.ReportAllocs()
			b.SetBytes(int64(len(c.pkt)))
			for b.Loop() {
				if err := Decode(c.pkt, &pkt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
