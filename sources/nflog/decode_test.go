package nflog

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/ifw/ifw/sources"
)

// In these tables every packet is built by hand and line is what the
// kernel's LOG target prints for it (after "IN=eth0 OUT= "), written from
// net/netfilter/nf_log_syslog.c; Decode must give the packet the LOG text
// parser reads from that line.

func TestDecodeIPv4(t *testing.T) {
	synOpts := []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}
	tests := []struct {
		name, line string
		pkt        []byte
	}{
		{"tcp syn with options", "SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=0x1A PREC=0xA0 TTL=52 ID=4321 DF PROTO=TCP SPT=40000 DPT=22 SEQ=1000 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A000000010000000001030307) ",
			ip4{tos: 0xbb, ttl: 52, id: 4321, frag: 0x4000, proto: 6}.with(tcp{sport: 40000, dport: 22, seq: 1000, flags: 0x02, win: 64240, opts: synOpts}.bytes())},
		{"tcp every flag and reserved bit", "SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=7 ACK=9 WINDOW=1024 RES=0x3C CWR ECE URG ACK PSH RST SYN FIN URGP=5 ",
			ip4{ttl: 64, id: 1, proto: 6}.with(tcp{sport: 1, dport: 2, seq: 7, ack: 9, res: 0xf, flags: 0xff, win: 1024, urg: 5}.bytes())},
		{"tcp null scan, one reserved bit", "SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=0 ACK=0 WINDOW=1024 RES=0x04 URGP=0 ",
			ip4{ttl: 40, id: 1, proto: 6}.with(tcp{sport: 1, dport: 2, res: 1, win: 1024}.bytes())},
		{"ip options", "SRC=198.51.100.7 DST=203.0.113.5 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=2 OPT (0707040000000001) PROTO=TCP SPT=3 DPT=4 SEQ=0 ACK=1 WINDOW=0 RES=0x00 ACK URGP=0 ",
			ip4{ttl: 64, id: 2, proto: 6, opts: []byte{7, 7, 4, 0, 0, 0, 0, 1}}.with(tcp{sport: 3, dport: 4, ack: 1, flags: 0x10}.bytes())},
		{"non-first fragment", "SRC=198.51.100.7 DST=203.0.113.5 LEN=36 TOS=0x00 PREC=0x00 TTL=37 ID=39712 CE MF FRAG:185 PROTO=TCP ",
			ip4{ttl: 37, id: 39712, frag: 0x8000 | 0x2000 | 185, proto: 6}.with(zeros(16))},
		{"udp", "SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=UDP SPT=53 DPT=33000 LEN=20 ",
			ip4{ttl: 64, id: 3, proto: 17}.with(udp(53, 33000, 20), zeros(12))},
		{"udplite", "SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=UDPLITE SPT=5000 DPT=5001 LEN=8 ",
			ip4{ttl: 64, id: 3, proto: 136}.with(udp(5000, 5001, 8))},
		{"icmp echo", "SRC=198.51.100.7 DST=203.0.113.5 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=4 PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=1 ",
			ip4{ttl: 64, id: 4, proto: 1}.with(icmp(8, 0, 0x12340001), zeros(8))},
		{"icmp frag needed quoting tcp", "SRC=203.0.113.1 DST=198.51.100.7 LEN=68 TOS=0x00 PREC=0xC0 TTL=255 ID=5 PROTO=ICMP TYPE=3 CODE=4 [SRC=198.51.100.7 DST=203.0.113.5 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=77 DF PROTO=TCP SPT=40000 DPT=443 SEQ=5 ACK=6 WINDOW=502 RES=0x00 ACK PSH URGP=0 ] MTU=1400 ",
			ip4{src: "203.0.113.1", dst: "198.51.100.7", tos: 0xc0, ttl: 255, id: 5, proto: 1}.with(icmp(3, 4, 1400),
				ip4{ttl: 63, id: 77, frag: 0x4000, proto: 6, totLen: 1500}.with(tcp{sport: 40000, dport: 443, seq: 5, ack: 6, flags: 0x18, win: 502}.bytes()))},
		{"icmp time exceeded quoting udp", "SRC=203.0.113.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=255 ID=6 PROTO=ICMP TYPE=11 CODE=0 [SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=1 ID=8 PROTO=UDP SPT=33434 DPT=33435 LEN=40 ] ",
			ip4{src: "203.0.113.1", dst: "198.51.100.7", ttl: 255, id: 6, proto: 1}.with(icmp(11, 0, 0),
				ip4{ttl: 1, id: 8, proto: 17, totLen: 60}.with(udp(33434, 33435, 40)))},
		{"icmp quoting 8 bytes of tcp", "SRC=203.0.113.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=255 ID=6 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.7 DST=203.0.113.5 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=9 PROTO=TCP INCOMPLETE [8 bytes] ] ",
			ip4{src: "203.0.113.1", dst: "198.51.100.7", ttl: 255, id: 6, proto: 1}.with(icmp(3, 3, 0),
				ip4{ttl: 50, id: 9, proto: 6, totLen: 44}.with(tcp{sport: 1, dport: 2, flags: 2}.bytes()[:8]))},
		{"icmp redirect", "SRC=203.0.113.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=255 ID=6 PROTO=ICMP TYPE=5 CODE=1 GATEWAY=203.0.113.9 [SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ] ",
			ip4{src: "203.0.113.1", dst: "198.51.100.7", ttl: 255, id: 6, proto: 1}.with(icmp(5, 1, 0xcb007109),
				ip4{ttl: 64, id: 1, proto: 17}.with(udp(1, 2, 8)))},
		{"icmp parameter problem", "SRC=203.0.113.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=255 ID=6 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 ",
			ip4{src: "203.0.113.1", dst: "198.51.100.7", ttl: 255, id: 6, proto: 1}.with(icmp(12, 0, 20<<24),
				ip4{ttl: 64, id: 1, proto: 17}.with(udp(1, 2, 8)))},
		{"icmp error too short to quote", "SRC=198.51.100.7 DST=203.0.113.5 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=1 INCOMPLETE [16 bytes] ",
			ip4{ttl: 64, id: 1, proto: 1}.with(icmp(3, 1, 0), zeros(8))},
		{"icmp timestamp too short", "SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=13 CODE=0 INCOMPLETE [8 bytes] ",
			ip4{ttl: 64, id: 1, proto: 1}.with(icmp(13, 0, 0))},
		{"icmp header cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP INCOMPLETE [4 bytes] ",
			ip4{ttl: 64, id: 1, proto: 1}.with(zeros(4))},
		{"tcp header cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP INCOMPLETE [10 bytes] ",
			ip4{ttl: 64, id: 1, proto: 6}.with(zeros(10))},
		{"udp header cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP INCOMPLETE [4 bytes] ",
			ip4{ttl: 64, id: 1, proto: 17}.with(zeros(4))},
		{"tcp options cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=0 ACK=0 WINDOW=0 RES=0x00 SYN URGP=0 OPT (TRUNCATED)",
			ip4{ttl: 64, id: 1, proto: 6}.with(tcp{sport: 1, dport: 2, flags: 2, doff: 15}.bytes(), zeros(4))},
		{"ip options cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 TRUNCATED",
			ip4{ttl: 64, id: 1, proto: 6, ihl: 7}.with(zeros(4))},
		{"esp", "SRC=198.51.100.7 DST=203.0.113.5 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ESP SPI=0x1234 ",
			ip4{ttl: 64, id: 1, proto: 50}.with(esp(0x1234))},
		{"ah", "SRC=198.51.100.7 DST=203.0.113.5 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=AH SPI=0xabcdef01 ",
			ip4{ttl: 64, id: 1, proto: 51}.with(ah(6, 0xabcdef01), tcp{}.bytes())},
		{"esp cut", "SRC=198.51.100.7 DST=203.0.113.5 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ESP INCOMPLETE [4 bytes] ",
			ip4{ttl: 64, id: 1, proto: 50}.with(zeros(4))},
		{"other protocol", "SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 ",
			ip4{ttl: 64, id: 1, proto: 47}.with(zeros(8))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sources.Packet
			if err := Decode(tt.pkt, &got); err != nil {
				t.Fatal(err)
			}
			sameHeader(t, got, parseLine(t, "IN=eth0 OUT= "+tt.line))
		})
	}
}

func TestDecodeIPv6(t *testing.T) {
	inner := ip6{hop: 63, next: 6, plen: 1400}.with(tcp{sport: 50000, dport: 443, seq: 9, ack: 10, flags: 0x10, win: 9}.bytes())
	tests := []struct {
		name, line string
		pkt        []byte
	}{
		{"tcp syn", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=64 TC=0 HOPLIMIT=64 FLOWLBL=12345 PROTO=TCP SPT=50000 DPT=80 SEQ=1 ACK=0 WINDOW=65535 RES=0x00 SYN URGP=0 OPT (020405A0) ",
			ip6{flow: 12345, hop: 64, next: 6}.with(tcp{sport: 50000, dport: 80, seq: 1, flags: 2, win: 65535, opts: []byte{2, 4, 5, 0xa0}}.bytes())},
		{"udp, traffic class", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=48 TC=184 HOPLIMIT=1 FLOWLBL=1048575 PROTO=UDP SPT=1 DPT=2 LEN=8 ",
			ip6{tc: 0xb8, flow: 0xfffff, hop: 1, next: 17}.with(udp(1, 2, 8))},
		{"extension headers", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) OPT ( ) PROTO=UDP SPT=7 DPT=9 LEN=8 ",
			ip6{hop: 64, next: 0}.with(ext(43, 0), ext(60, 1), ext(17, 0), udp(7, 9, 8))},
		{"first fragment", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=72 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:0 INCOMPLETE ID:0000abcd ) PROTO=UDP SPT=1 DPT=2 LEN=3000 ",
			ip6{hop: 64, next: 44}.with(fragment6(17, 0, true, 0xabcd), udp(1, 2, 3000), zeros(16))},
		{"non-first fragment", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=64 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:1232 ID:0000abcd ) PROTO=UDP ",
			ip6{hop: 64, next: 44}.with(fragment6(17, 1232, false, 0xabcd), zeros(16))},
		{"ah", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=76 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( AH SPI=0x100 ) PROTO=TCP SPT=1 DPT=2 SEQ=0 ACK=0 WINDOW=0 RES=0x00 RST URGP=0 ",
			ip6{hop: 64, next: 51}.with(ah(6, 0x100), tcp{sport: 1, dport: 2, flags: 4}.bytes())},
		{"icmpv6 echo", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=56 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=3 ",
			ip6{hop: 64, next: 58}.with(icmp(128, 0, 0x00070003), zeros(8))},
		{"icmpv6 packet too big", "SRC=2001:db8:2::1 DST=2001:db8:1::7 LEN=108 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=2 CODE=0 [SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=1440 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=TCP SPT=50000 DPT=443 SEQ=9 ACK=10 WINDOW=9 RES=0x00 ACK URGP=0 ] MTU=1280 ",
			ip6{src: "2001:db8:2::1", dst: "2001:db8:1::7", hop: 255, next: 58}.with(icmp(2, 0, 1280), inner)},
		{"icmpv6 parameter problem", "SRC=2001:db8:2::1 DST=2001:db8:1::7 LEN=96 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=4 CODE=1 POINTER=00000028 [SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=48 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=UDP SPT=1 DPT=2 LEN=8 ] ",
			ip6{src: "2001:db8:2::1", dst: "2001:db8:1::7", hop: 255, next: 58}.with(icmp(4, 1, 40), ip6{hop: 64, next: 17}.with(udp(1, 2, 8)))},
		{"icmpv6 neighbour solicitation", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ",
			ip6{hop: 255, next: 58}.with(icmp(135, 0, 0), zeros(16))},
		{"icmpv6 header cut", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=44 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 INCOMPLETE [4 bytes] ",
			ip6{hop: 64, next: 58}.with(zeros(4))},
		{"no next header", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=40 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=59 ",
			ip6{hop: 64, next: 59}.with()},
		{"extension header cut after ah", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=57 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( AH SPI=0x5 ) TRUNCATED",
			ip6{hop: 64, next: 51}.with(ah(0, 5), []byte{0})},
		{"extension header cut", "SRC=2001:db8:1::7 DST=2001:db8:2::5 LEN=48 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) TRUNCATED",
			ip6{hop: 64, next: 0}.with(ext(60, 0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sources.Packet
			if err := Decode(tt.pkt, &got); err != nil {
				t.Fatal(err)
			}
			sameHeader(t, got, parseLine(t, "IN=eth0 OUT= "+tt.line))
		})
	}
}

// TestDecodeBeyondLOG covers packets whose LOG line no reader can use, or
// where ifw decodes more than the kernel prints.
func TestDecodeBeyondLOG(t *testing.T) {
	full := ip4{ttl: 64, id: 1, proto: 6, totLen: 1500}.with(tcp{sport: 1, dport: 2, flags: 2}.bytes())
	icmpErr := ip4{src: "203.0.113.1", dst: "198.51.100.7", ttl: 255, proto: 1, totLen: 576}.with(icmp(3, 3, 0),
		ip4{ttl: 9, id: 9, proto: 6, totLen: 1000}.with(tcp{sport: 5, dport: 6, flags: 2}.bytes()))
	tests := []struct {
		name string
		pkt  []byte
		want func(p *sources.Packet) bool
	}{
		{"sctp ports (LOG prints PROTO=132 only)", ip4{ttl: 64, proto: 132}.with(udp(2905, 2906, 0), zeros(4)),
			func(p *sources.Packet) bool { return p.Has(sources.HasPorts) && p.SrcPort == 2905 && p.DstPort == 2906 }},
		{"sctp common header cut", ip4{ttl: 64, proto: 132}.with(zeros(8)),
			func(p *sources.Packet) bool {
				return p.Proto == 132 && !p.Has(sources.HasPorts) && !p.Has(sources.HasIncomplete)
			}},
		{"ipv6 esp (LOG names no protocol)", ip6{hop: 64, next: 50}.with(esp(0x77)),
			func(p *sources.Packet) bool { return p.Proto == 50 && p.Has(sources.HasSPI) && p.SPI == 0x77 }},
		{"ipv6 esp behind a fragment", ip6{hop: 64, next: 44}.with(fragment6(50, 8, false, 1), esp(0x77)),
			func(p *sources.Packet) bool { return p.Proto == 50 && !p.Has(sources.HasSPI) && p.FragOff == 8 }},
		{"ipv6 options after a non-first fragment", ip6{hop: 64, next: 44}.with(fragment6(60, 16, true, 2), ext(6, 0)),
			func(p *sources.Packet) bool {
				return p.Proto == 60 && p.FragOff == 16 && p.IPFlags == sources.FlagMF && p.FragID == 2
			}},
		{"ipv4 ah in a non-first fragment (LOG names no protocol)", ip4{ttl: 64, proto: 51, frag: 100}.with(zeros(16)),
			func(p *sources.Packet) bool { return p.Proto == 51 && !p.Has(sources.HasSPI) && p.FragOff == 100 }},
		{"copy range cut the tcp header", full[:30],
			func(p *sources.Packet) bool {
				return p.Len == 1500 && p.Proto == 6 && p.Has(sources.Truncated) && !p.Has(sources.HasPorts) && !p.Has(sources.HasIncomplete)
			}},
		{"copy range left the headers", full[:60],
			func(p *sources.Packet) bool { return p.Has(sources.HasTCP) && !p.Has(sources.Truncated) }},
		{"copy range cut the quoted header", icmpErr[:40],
			func(p *sources.Packet) bool {
				return p.Has(sources.HasICMP) && !p.Has(sources.HasEmbedded) && !p.Has(sources.HasIncomplete) && p.Has(sources.Truncated)
			}},
		{"copy range cut the quoted tcp header", icmpErr[:60],
			func(p *sources.Packet) bool {
				return p.Has(sources.HasEmbedded) && p.Embedded.TTL == 9 && p.Embedded.SrcPort == 0 && p.Has(sources.Truncated)
			}},
		{"icmpv6 error quoting a cut header (LOG: [TRUNCATED])", ip6{hop: 64, next: 58}.with(icmp(1, 4, 0), zeros(20)),
			func(p *sources.Packet) bool { return p.Has(sources.HasICMP) && !p.Has(sources.HasEmbedded) }},
		{"ipv6 jumbo payload length zero", ip6{hop: 64, next: 17, plen: -1}.with(udp(1, 2, 0)),
			func(p *sources.Packet) bool { return p.Len == 40 && p.Has(sources.HasPorts) }},
		{"quoted packet never reaches the outer header", icmpErr,
			func(p *sources.Packet) bool {
				return p.Src == netip.MustParseAddr("203.0.113.1") && p.TTL == 255 && !p.Has(sources.HasPorts) && p.TCPFlags == 0 &&
					p.Embedded.DstPort == 6 && p.Embedded.TCPFlags == sources.SYN && p.Embedded.Len == 1000
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sources.Packet
			if err := Decode(tt.pkt, &got); err != nil {
				t.Fatal(err)
			}
			if !tt.want(&got) {
				t.Errorf("unexpected packet %+v", got)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		pkt  []byte
		want error
	}{
		{"empty", nil, ErrTooShort},
		{"short ipv4", ip4{proto: 6}.with()[:19], ErrTooShort},
		{"short ipv6", ip6{next: 6}.with()[:39], ErrTooShort},
		{"version 5", append([]byte{0x50}, zeros(39)...), ErrVersion},
		{"version 0", zeros(60), ErrVersion},
		{"ihl 4", ip4{ihl: 4, proto: 6}.with(zeros(20)), ErrHeaderLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p sources.Packet
			err := Decode(tt.pkt, &p)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var de DecodeError
			if !errors.As(err, &de) || de.Error() == "" {
				t.Fatalf("error %v is not a DecodeError", err)
			}
		})
	}
}

// TestDecodeResets checks that a reused Packet keeps nothing of the last one.
func TestDecodeResets(t *testing.T) {
	var p sources.Packet
	icmpErr := ip4{proto: 1}.with(icmp(3, 3, 0), ip4{proto: 17}.with(udp(1, 2, 8)))
	if err := Decode(icmpErr, &p); err != nil || !p.Has(sources.HasEmbedded) {
		t.Fatalf("setup: %v %+v", err, p)
	}
	p.Prefix = "stale"
	if err := Decode(ip4{proto: 6}.with(tcp{flags: 2}.bytes()), &p); err != nil {
		t.Fatal(err)
	}
	if p.Has(sources.HasEmbedded) || p.Embedded != (sources.Embedded{}) || p.Prefix != "" || p.ICMPType != 0 {
		t.Fatalf("stale fields: %+v", p)
	}
}
