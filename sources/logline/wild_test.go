package logline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// The line forms other loggers and relays give the kernel's LOG text (and
// ulogd2's emulation of it), one case per form; the lines follow the
// examples of ../shared/reallogs with documentation addresses.
const (
	wildTCP   = "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=244 ID=51242 PROTO=TCP SPT=56958 DPT=7001 WINDOW=1024 RES=0x00 SYN URGP=0"
	wildUlogd = "IN=eth8 OUT= MAC=74:ac:b9:1c:62:e5:00:17:10:2b:31:a9:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=122 TOS=00 PREC=0x00 TTL=49 ID=45366 DF PROTO=UDP SPT=38451 DPT=54329 LEN=102 MARK=1a0000"
	wildARP   = "IN=eth1 OUT=eth2 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=50:00:00:04:00:00 IPSRC=192.0.2.101 MACDST=00:00:00:00:00:00 IPDST=192.0.2.102"
)

type wildCase struct {
	name, line   string
	time         time.Time
	uptime       time.Duration
	host, prefix string
	check        func(t *testing.T, p *sources.Packet)
}

func wildCases() []wildCase {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	return []wildCase{
		{name: "vlan VPROTO bare hex", line: "[12716.993704] test: IN=veth0 OUT= MACSRC=86:6c:92:ea:d6:73 MACDST=0e:3b:eb:86:73:76 VPROTO=8100 VID=10 MACPROTO=0800 SRC=198.51.100.7 DST=203.0.113.5 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=2548 DF PROTO=TCP SPT=55848 DPT=80 WINDOW=501 RES=0x00 ACK FIN URGP=0",
			uptime: 12716993704 * time.Microsecond, prefix: "test:"},
		{name: "ulogd udp, host without tag", line: `Jun 13 23:29:15 UDMP-DTC [WAN_LOCAL-D-2147483647] DESCR="[WAN_LOCAL]Block All Traffic" ` + wildUlogd,
			time: utc(2026, 6, 13, 23, 29, 15, 0), host: "UDMP-DTC", prefix: `[WAN_LOCAL-D-2147483647] DESCR="[WAN_LOCAL]Block All Traffic"`,
			check: func(t *testing.T, p *sources.Packet) {
				if p.Mark != 0x1a0000 || !p.Has(sources.HasMark) || p.TOS != 0 || p.UDPLen != 102 {
					t.Errorf("mark %#x tos %#x udplen %d", p.Mark, p.TOS, p.UDPLen)
				}
			}},
		{name: "ulogd host written twice", line: `Jun 13 23:29:15 UDMP-DTC UDMP-DTC [WAN_LOCAL-D-2147483647] DESCR="x" ` + wildUlogd,
			time: utc(2026, 6, 13, 23, 29, 15, 0), host: "UDMP-DTC", prefix: `[WAN_LOCAL-D-2147483647] DESCR="x"`},
		{name: "ulogd tcp without RES", line: `Apr  7 21:49:03 UDM-Pro [WAN_IN-RET-3006] DESCR="[WAN_IN] PortForward Allow [HTTPS (cli IN=eth8 OUT=br96 MAC=24:5a:4c:a2:b1:09:48:2c:d0:ab:93:3f:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=1C PREC=0x00 TTL=49 ID=51880 DF PROTO=TCP SPT=38618 DPT=10443 SEQ=2560518888 ACK=0 WINDOW=65535 SYN URGP=0 MARK=0`,
			time: utc(2026, 4, 7, 21, 49, 3, 0), host: "UDM-Pro", prefix: `[WAN_IN-RET-3006] DESCR="[WAN_IN] PortForward Allow [HTTPS (cli`,
			check: func(t *testing.T, p *sources.Packet) {
				if p.TOS != 0x1c || p.TCPFlags != sources.SYN || p.Seq != 2560518888 || p.Window != 65535 || !p.Has(sources.HasMark|sources.HasTCP) {
					t.Errorf("%+v", p)
				}
			}},
		{name: "busybox facility.level", line: "Mar  2 23:00:01 UDM-Pro user.warn kernel: [1293512.217894] [FW-A-LAN_LOCAL_U-2013]" + wildTCP,
			time: utc(2026, 3, 2, 23, 0, 1, 0), uptime: 1293512217894 * time.Microsecond, host: "UDM-Pro", prefix: "[FW-A-LAN_LOCAL_U-2013]"},
		{name: "openwrt logread", line: "Mon Jan 15 20:22:01 2018 kern.warn kernel: [10051.313745] DROP(src wan)" + wildTCP,
			time: utc(2018, 1, 15, 20, 22, 1, 0), uptime: 10051313745 * time.Microsecond, prefix: "DROP(src wan)"},
		{name: "rfc 5424 all nil", line: "<174>1 2003-08-24T05:14:15+00:00 - - - - - " + wildTCP,
			time: utc(2003, 8, 24, 5, 14, 15, 0)},
		{name: "rfc 5424 with host, app and structured data", line: `<4>1 2026-11-21T23:30:36.5Z fw kernel - - [meta x="a]b\]" y="2"][origin ip="192.0.2.1"] [  12.300000] DROP ` + wildTCP,
			time: utc(2026, 11, 21, 23, 30, 36, 500000000), uptime: 12300 * time.Millisecond, host: "fw", prefix: "DROP"},
		{name: "rfc 5424 with BOM", line: "<4>1 2026-11-21T23:30:36Z fw kernel - - - \xef\xbb\xbfDROP " + wildTCP,
			time: utc(2026, 11, 21, 23, 30, 36, 0), host: "fw", prefix: "DROP"},
		{name: "dmesg -T", line: "[Tue Dec 29 11:52:40 2015] [UFW BLOCK] " + wildTCP,
			time: utc(2015, 12, 29, 11, 52, 40, 0), prefix: "[UFW BLOCK]"},
		{name: "dmesg -T padded day", line: "[Tue Dec  1 01:02:03 2015] " + wildTCP,
			time: utc(2015, 12, 1, 1, 2, 3, 0)},
		{name: "epoch seconds", line: "1701592740 fw kernel:[ 3529.289825] DROP " + wildTCP,
			time: time.Unix(1701592740, 0), uptime: 3529289825 * time.Microsecond, host: "fw", prefix: "DROP"},
		{name: "epoch with fraction", line: "1701592740.25 fw kernel: " + wildTCP,
			time: time.Unix(1701592740, 250000000), host: "fw"},
		{name: "tcp AE flag", line: strings.Replace(wildTCP, "RES=0x00 SYN", "RES=0x00 AE CWR ECE SYN", 1),
			check: func(t *testing.T, p *sources.Packet) {
				if p.TCPFlags != sources.CWR|sources.ECE|sources.SYN || p.Res != 0x04 {
					t.Errorf("flags %v res %#x", p.TCPFlags, p.Res)
				}
			}},
		{name: "journal json", line: `{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1642033008518660","_HOSTNAME":"compute04","MESSAGE":"iptables DROP_INPUT: ` + wildTCP + ` ","PRIORITY":"7"}`,
			time: time.UnixMicro(1642033008518660), host: "compute04", prefix: "iptables DROP_INPUT:"},
		{name: "journal json spaced, escaped", line: `{ "MESSAGE" : "[x] DESCR=\"a \\ b\" ` + wildUlogd + `", "__REALTIME_TIMESTAMP" : "1642033008518660" }`,
			time: time.UnixMicro(1642033008518660), prefix: `[x] DESCR="a \ b"`},
		{name: "journal json-seq", line: "\x1e" + `{"__REALTIME_TIMESTAMP":"1642033008518660","MESSAGE":"` + wildTCP + `"}`,
			time: time.UnixMicro(1642033008518660)},
	}
}

func TestWildLineForms(t *testing.T) {
	for _, tt := range wildCases() {
		t.Run(tt.name, func(t *testing.T) {
			for _, general := range []bool{false, true} {
				p := New(Options{Reference: ref, Location: time.UTC})
				p.noFast = general
				var pkt sources.Packet
				if err := p.Parse([]byte(tt.line), &pkt); err != nil {
					t.Fatalf("general decoder %v: %v", general, err)
				}
				checkWild(t, &tt, &pkt)
			}
		})
	}
}

func checkWild(t *testing.T, tt *wildCase, pkt *sources.Packet) {
	t.Helper()
	if !tt.time.IsZero() && (!pkt.Has(sources.HasTime) || !pkt.Time.Equal(tt.time)) {
		t.Errorf("time = %v (has %v), want %v", pkt.Time, pkt.Has(sources.HasTime), tt.time)
	}
	if tt.time.IsZero() && pkt.Has(sources.HasTime) {
		t.Errorf("time = %v, want none", pkt.Time)
	}
	if pkt.Uptime != tt.uptime || pkt.Has(sources.HasUptime) != (tt.uptime != 0) {
		t.Errorf("uptime = %v, want %v", pkt.Uptime, tt.uptime)
	}
	if pkt.Host != tt.host || pkt.Prefix != tt.prefix {
		t.Errorf("host, prefix = %q, %q; want %q, %q", pkt.Host, pkt.Prefix, tt.host, tt.prefix)
	}
	if pkt.Src != mustAddr("198.51.100.7") || pkt.Dst != mustAddr("203.0.113.5") {
		t.Errorf("src %v dst %v", pkt.Src, pkt.Dst)
	}
	if tt.check != nil {
		tt.check(t, pkt)
	}
}

// TestNonIP: the kernel's ARP lines and the lines of a link-layer protocol
// it only names are firewall lines without an IP packet: ErrNotIP (which
// matches ErrNotFirewall), never malformed; a broken ARP line still is.
func TestNonIP(t *testing.T) {
	good := []string{
		"Dec 05 14:37:47 kernel: [bri-NAM-TEST-10-C]" + wildARP,
		"[12721.157643] test: IN=veth0 OUT= MACSRC=86:6c:92:ea:d6:73 MACDST=0e:3b:eb:86:73:76 VPROTO=8100 VID=10 MACPROTO=0806 ARP HTYPE=1 PTYPE=0x0800 OPCODE=2 MACSRC=86:6c:92:ea:d6:73 IPSRC=192.0.2.2 MACDST=0e:3b:eb:86:73:76 IPDST=192.0.2.1",
		"IN=br0 OUT= ARP HTYPE=6 PTYPE=0x0800 OPCODE=1",
		"IN=br0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 INCOMPLETE [20 bytes]",
		"IN=br0 OUT= MACSRC=86:6c:92:ea:d6:73 MACDST=0e:3b:eb:86:73:76 MACPROTO=88cc ",
		"IN=br0 OUT= MAC=01:80:c2:00:00:0e:86:6c:92:ea:d6:73:88:cc ",
	}
	bad := []string{
		strings.Replace(wildARP, "OPCODE=1", "OPCODE=x", 1),
		strings.Replace(wildARP, "IPSRC=192.0.2.101", "IPSRC=2001:db8::1", 1),
		wildARP + " FOO=1",
		strings.Replace(wildTCP, "PROTO=TCP", "ARP PROTO=TCP", 1),
	}
	for _, general := range []bool{false, true} {
		p := newTestParser()
		p.noFast = general
		var pkt sources.Packet
		for _, l := range good {
			if err := p.Parse([]byte(l), &pkt); !errors.Is(err, ErrNotIP) || !errors.Is(err, ErrNotFirewall) {
				t.Errorf("%q: err = %v, want ErrNotIP", l, err)
			}
		}
		for _, l := range bad {
			if err := p.Parse([]byte(l), &pkt); !errors.Is(err, ErrMalformed) {
				t.Errorf("%q: err = %v, want malformed", l, err)
			}
		}
	}
}

// TestJournalExport reads `journalctl -o export` line by line: each
// MESSAGE= takes its entry's __REALTIME_TIMESTAMP and _HOSTNAME, and a
// message of an entry without them takes none.
func TestJournalExport(t *testing.T) {
	in := []string{
		"__CURSOR=s=35ec;i=6427907", "__REALTIME_TIMESTAMP=1642033008518660", "__MONOTONIC_TIMESTAMP=1840867380066",
		"_HOSTNAME=compute04", "_TRANSPORT=kernel", "MESSAGE=iptables DROP_INPUT: " + wildTCP + " ", "",
		"__CURSOR=s=35ec;i=6427908", "_TRANSPORT=kernel", "MESSAGE=" + wildTCP, "",
	}
	p := newTestParser()
	var got []sources.Packet
	for _, l := range in {
		var pkt sources.Packet
		err := p.Parse([]byte(l+"\n"), &pkt)
		if errors.Is(err, ErrNotFirewall) {
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, pkt)
	}
	if len(got) != 2 {
		t.Fatalf("%d packets, want 2", len(got))
	}
	if a := got[0]; !a.Has(sources.HasTime) || !a.Time.Equal(time.UnixMicro(1642033008518660)) || a.Prefix != "iptables DROP_INPUT:" || a.Host != "compute04" {
		t.Errorf("first: time %v prefix %q host %q", a.Time, a.Prefix, a.Host)
	}
	if b := got[1]; b.Has(sources.HasTime) || b.Prefix != "" || b.Host != "" {
		t.Errorf("second took the first entry's envelope: time %v prefix %q host %q", b.Time, b.Prefix, b.Host)
	}
}

// TestFastPathTakesNewForms: ulogd2's fields (TOS=00, no RES=, MARK=hex)
// and the AE flag stay on the fast path.
func TestFastPathTakesNewForms(t *testing.T) {
	p := newTestParser()
	for _, l := range []string{
		wildUlogd,
		"IN=eth8 OUT=br96 MAC=24:5a:4c:a2:b1:09:48:2c:d0:ab:93:3f:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=00 PREC=0x00 TTL=49 ID=51880 DF PROTO=TCP SPT=38618 DPT=10443 SEQ=2560518888 ACK=0 WINDOW=65535 SYN URGP=0 MARK=0",
		strings.Replace(wildTCP, "RES=0x00 SYN", "RES=0x00 AE CWR ECE SYN", 1),
	} {
		var pkt sources.Packet
		if !p.fastBody([]byte(l), &pkt) {
			t.Errorf("fast path refused %q", l)
		}
	}
}
