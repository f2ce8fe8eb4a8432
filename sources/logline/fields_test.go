package logline

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/ifw/ifw/sources"
)

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestFields(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		check func(t *testing.T, p *sources.Packet)
	}{
		{"tcp syn all options", body4, func(t *testing.T, p *sources.Packet) {
			want := sources.MAC{Dst: [6]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}, Src: [6]byte{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}, EtherType: 0x0800}
			if p.MAC != want || !p.Has(sources.HasMAC) {
				t.Errorf("MAC %+v", p.MAC)
			}
			if p.Version != 4 || p.Dst != mustAddr("203.0.113.5") || p.Len != 44 || p.TOS != 8 || p.Prec != 0x20 || p.TTL != 42 || p.ID != 54321 || p.IPFlags != sources.FlagDF {
				t.Errorf("ip header %+v", p)
			}
			if p.Proto != sources.ProtoTCP || p.SrcPort != 40000 || p.Seq != 3735928559 || p.Window != 1024 || p.TCPFlags != sources.SYN || !p.Has(sources.HasSeq|sources.HasTCP|sources.HasPorts) {
				t.Errorf("tcp %+v", p)
			}
			if !bytes.Equal(p.TCPOptions.Bytes(), []byte{2, 4, 5, 0xb4}) || p.UID != 0 || !p.Has(sources.HasUID|sources.HasMark) || p.Mark != 1 {
				t.Errorf("opts %x uid %d mark %d", p.TCPOptions.Bytes(), p.UID, p.Mark)
			}
		}},
		{"xmas and null flags", "IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1024 RES=0x00 URG PSH FIN URGP=0", func(t *testing.T, p *sources.Packet) {
			if p.TCPFlags != sources.URG|sources.PSH|sources.FIN {
				t.Errorf("flags %v", p.TCPFlags)
			}
		}},
		{"all tcp flags", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x03 CWR ECE URG ACK PSH RST SYN FIN URGP=7", func(t *testing.T, p *sources.Packet) {
			if p.TCPFlags != 0xff || p.Res != 3 || p.Urgp != 7 {
				t.Errorf("flags %v res %d urgp %d", p.TCPFlags, p.Res, p.Urgp)
			}
		}},
		{"icmp error keeps embedded apart", "IN=eth0 OUT= SRC=203.0.113.5 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=9 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=40 ID=77 PROTO=UDP SPT=45000 DPT=161 LEN=8 ] ", func(t *testing.T, p *sources.Packet) {
			if p.Src != mustAddr("203.0.113.5") || p.Dst != mustAddr("198.51.100.7") || p.Len != 56 || p.TTL != 64 || p.ID != 9 || p.Has(sources.HasPorts) {
				t.Errorf("outer %+v", p)
			}
			e := p.Embedded
			if !p.Has(sources.HasEmbedded) || e.Src != mustAddr("198.51.100.7") || e.Dst != mustAddr("203.0.113.5") || e.Proto != sources.ProtoUDP || e.DstPort != 161 || e.SrcPort != 45000 || e.TTL != 40 || e.ID != 77 || e.Len != 28 {
				t.Errorf("embedded %+v", e)
			}
		}},
		{"icmp frag needed mtu and embedded tcp", "IN=eth0 OUT= SRC=203.0.113.1 DST=198.51.100.7 LEN=576 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=ICMP TYPE=3 CODE=4 [SRC=198.51.100.7 DST=203.0.113.9 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=1 DPT=443 WINDOW=502 RES=0x00 ACK PSH URGP=0 ] MTU=1400", func(t *testing.T, p *sources.Packet) {
			if p.MTU != 1400 || p.Embedded.TCPFlags != sources.ACK|sources.PSH || p.TCPFlags != 0 || p.IPFlags != 0 {
				t.Errorf("mtu %d inner flags %v outer %v", p.MTU, p.Embedded.TCPFlags, p.TCPFlags)
			}
		}},
		{"icmp echo", "IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=4242 SEQ=3", func(t *testing.T, p *sources.Packet) {
			if p.ID != 1 || p.ICMPID != 4242 || p.ICMPSeq != 3 || p.ICMPType != 8 || !p.Has(sources.HasICMP|sources.HasICMPEcho) {
				t.Errorf("%+v", p)
			}
		}},
		{"icmp redirect gateway", "IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=5 CODE=1 GATEWAY=198.51.100.254 [SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ] ", func(t *testing.T, p *sources.Packet) {
			if p.Gateway != mustAddr("198.51.100.254") || p.Embedded.ICMPType != 8 || p.ICMPType != 5 || p.ICMPID != 0 {
				t.Errorf("%+v", p)
			}
		}},
		{"icmp parameter problem", "IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 ", func(t *testing.T, p *sources.Packet) {
			if p.Parameter != 20 || !p.Has(sources.HasParameter) {
				t.Errorf("%+v", p)
			}
		}},
		{"incomplete icmp", "IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.7 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP INCOMPLETE [4 bytes] ", func(t *testing.T, p *sources.Packet) {
			if p.Incomplete != 4 || !p.Has(sources.HasIncomplete) {
				t.Errorf("%+v", p)
			}
		}},
		{"ipv4 fragment and options", "IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.7 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=1 CE MF FRAG:185 OPT (83030400) PROTO=UDP ", func(t *testing.T, p *sources.Packet) {
			if p.FragOff != 185 || p.IPFlags != sources.FlagCE|sources.FlagMF || !bytes.Equal(p.IPOptions.Bytes(), []byte{0x83, 3, 4, 0}) || p.Has(sources.HasPorts) {
				t.Errorf("%+v", p)
			}
		}},
		{"ipv6 udp full form", "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:86:dd SRC=2001:0db8:0001:0000:0000:0000:0000:0007 DST=2001:0db8:0002:0000:0000:0000:0000:0005 LEN=68 TC=0 HOPLIMIT=57 FLOWLBL=691283 PROTO=UDP SPT=55000 DPT=53 LEN=28 ", func(t *testing.T, p *sources.Packet) {
			if p.Version != 6 || p.Src != mustAddr("2001:db8:1::7") || p.TTL != 57 || p.FlowLabel != 691283 || p.UDPLen != 28 || p.Len != 68 || p.MAC.EtherType != 0x86dd {
				t.Errorf("%+v", p)
			}
		}},
		{"ipv6 compressed and mapped", "IN=eth0 OUT= SRC=::ffff:198.51.100.7 DST=2001:db8::5 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 ", func(t *testing.T, p *sources.Packet) {
			if p.Version != 6 || !p.Src.Is4In6() {
				t.Errorf("%+v", p)
			}
		}},
		{"ipv6 fragment header", "IN=eth0 OUT= SRC=2001:db8::7 DST=2001:db8::5 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:1232 INCOMPLETE ID:0000abcd ) PROTO=UDP ", func(t *testing.T, p *sources.Packet) {
			if p.FragOff != 1232 || p.FragID != 0xabcd || p.IPFlags != sources.FlagMF || !p.IsFragment() {
				t.Errorf("%+v", p)
			}
		}},
		{"icmpv6 too big", "IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::7 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=2 CODE=0 [SRC=2001:db8::7 DST=2001:db8::9 LEN=1500 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=TCP SPT=1 DPT=80 WINDOW=1 RES=0x00 ACK URGP=0 ] MTU=1280 ", func(t *testing.T, p *sources.Packet) {
			if p.Proto != sources.ProtoICMPv6 || p.MTU != 1280 || p.Embedded.Dst != mustAddr("2001:db8::9") || p.Embedded.DstPort != 80 || p.Dst != mustAddr("2001:db8::7") {
				t.Errorf("%+v", p)
			}
		}},
		{"icmpv6 param problem pointer", "IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::7 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=4 CODE=1 POINTER=00000028 ", func(t *testing.T, p *sources.Packet) {
			if p.Parameter != 0x28 {
				t.Errorf("%+v", p)
			}
		}},
		{"udplite", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDPLITE SPT=5 DPT=6 LEN=20 ", func(t *testing.T, p *sources.Packet) {
			if p.Proto != sources.ProtoUDPLite || p.DstPort != 6 {
				t.Errorf("%+v", p)
			}
		}},
		{"sctp numeric and named", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=132 ", func(t *testing.T, p *sources.Packet) {
			if p.Proto != sources.ProtoSCTP {
				t.Errorf("%+v", p)
			}
		}},
		{"sctp with ports", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=SCTP SPT=9 DPT=38412 ", func(t *testing.T, p *sources.Packet) {
			if p.Proto != sources.ProtoSCTP || p.DstPort != 38412 {
				t.Errorf("%+v", p)
			}
		}},
		{"esp spi", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ESP SPI=0xdeadbeef ", func(t *testing.T, p *sources.Packet) {
			if p.Proto != sources.ProtoESP || p.SPI != 0xdeadbeef {
				t.Errorf("%+v", p)
			}
		}},
		{"forward bridge", "FWD IN=br0 OUT=br0 PHYSIN=veth1 PHYSOUT=veth2 MACSRC=66:77:88:99:aa:bb MACDST=00:11:22:33:44:55 MACPROTO=0800 SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 ", func(t *testing.T, p *sources.Packet) {
			if p.Chain != sources.ChainForward || p.PhysIn != "veth1" || p.PhysOut != "veth2" || p.MAC.Src[0] != 0x66 || p.MAC.EtherType != 0x800 || p.Proto != sources.ProtoGRE {
				t.Errorf("%+v", p)
			}
		}},
		{"output chain empty MAC", "IN= OUT=eth0 MAC= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 RST URGP=0 ", func(t *testing.T, p *sources.Packet) {
			if p.Chain != sources.ChainOutput || p.Has(sources.HasMAC) {
				t.Errorf("%+v", p)
			}
		}},
		{"prefix that looks like a header", "Mar 11 20:35:11 fw kernel: IN=evil OUT= SRC=9.9.9.9 IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 ", func(t *testing.T, p *sources.Packet) {
			if p.Src != mustAddr("1.2.3.4") || p.In != "eth0" || p.Prefix != "IN=evil OUT= SRC=9.9.9.9" {
				t.Errorf("src %v in %q prefix %q", p.Src, p.In, p.Prefix)
			}
		}},
		{"tunnel", "IN=sit1 OUT= TUNNEL=198.51.100.1->203.0.113.1 SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 ", func(t *testing.T, p *sources.Packet) {
			if p.Version != 6 {
				t.Errorf("%+v", p)
			}
		}},
		{"truncated tcp options", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 OPT (TRUNCATED)", func(t *testing.T, p *sources.Packet) {
			if !p.Has(sources.Truncated) || p.TCPOptions.Len() != 0 {
				t.Errorf("%+v", p)
			}
		}},
	}
	p := newTestParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pkt sources.Packet
			if err := p.Parse([]byte(tt.line), &pkt); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, &pkt)
		})
	}
}
