package logline

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

var ref = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func newTestParser() *Parser {
	return New(Options{Reference: ref, Location: time.UTC, Source: "test"})
}

const body4 = "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=44 TOS=0x08 PREC=0x20 TTL=42 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 SEQ=3735928559 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) UID=0 GID=0 MARK=0x1"

func TestLineForms(t *testing.T) {
	tests := []struct {
		name, line     string
		time           time.Time
		uptime         time.Duration
		host, prefix   string
		wantHasTime    bool
		wantHasUptime  bool
		wantDstPort    uint16
		wantChain      sources.Chain
		wantPrefixOnly bool
	}{
		{name: "bsd syslog", line: "Mar 11 20:35:11 fw kernel: [463490.251762] DROP " + body4,
			time: time.Date(2026, 3, 11, 20, 35, 11, 0, time.UTC), uptime: 463490251762 * time.Microsecond, host: "fw", prefix: "DROP"},
		{name: "bsd space-padded day", line: "Mar  1 20:35:11 fw kernel: DROP " + body4,
			time: time.Date(2026, 3, 1, 20, 35, 11, 0, time.UTC), host: "fw", prefix: "DROP"},
		{name: "rfc3339", line: "2015-03-07T05:09:30.045015+02:00 fw kernel: [ 12.5] x " + body4,
			time: time.Date(2015, 3, 7, 3, 9, 30, 45015000, time.UTC), uptime: 12500 * time.Millisecond, host: "fw", prefix: "x"},
		{name: "journal short", line: "Nov 21 11:30:36 fw kernel: [UFW BLOCK] " + body4,
			time: time.Date(2026, 11, 21, 11, 30, 36, 0, time.UTC), host: "fw", prefix: "[UFW BLOCK]"},
		{name: "journal short-iso", line: "2026-11-21T23:30:36+0000 fw kernel: filter_IN_public_REJECT: " + body4,
			time: time.Date(2026, 11, 21, 23, 30, 36, 0, time.UTC), host: "fw", prefix: "filter_IN_public_REJECT:"},
		{name: "journal short-iso colon", line: "2026-11-21T23:30:36-05:30 fw kernel: " + body4,
			time: time.Date(2026, 11, 22, 5, 0, 36, 0, time.UTC), host: "fw"},
		{name: "journal short-precise", line: "Nov 21 11:30:36.123456 fw kernel: nft-drop: " + body4,
			time: time.Date(2026, 11, 21, 11, 30, 36, 123456000, time.UTC), host: "fw", prefix: "nft-drop:"},
		{name: "dmesg", line: "[  463.251762] Shorewall:net2fw:DROP:" + body4,
			uptime: 463251762 * time.Microsecond, prefix: "Shorewall:net2fw:DROP:"},
		{name: "dmesg iso", line: "2026-11-21T23:30:36,045015+00:00 DROP " + body4,
			time: time.Date(2026, 11, 21, 23, 30, 36, 45015000, time.UTC), prefix: "DROP"},
		{name: "kmsg", line: "4,1234,5678901,-;ifw-drop " + body4,
			uptime: 5678901 * time.Microsecond, prefix: "ifw-drop"},
		{name: "kmsg with more flags", line: "4,1234,5678901,c,caller=T1;" + body4,
			uptime: 5678901 * time.Microsecond},
		{name: "no prefix no stamp", line: body4},
		{name: "syslog priority", line: "<4>[ 1.000000] DROP " + body4, uptime: time.Second, prefix: "DROP"},
		{name: "year rollover", line: "Dec 31 23:59:59 fw kernel: " + body4,
			time: time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), host: "fw"},
		{name: "crlf", line: "Mar 11 20:35:11 fw kernel: DROP " + body4 + "\r\n",
			time: time.Date(2026, 3, 11, 20, 35, 11, 0, time.UTC), host: "fw", prefix: "DROP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New(Options{Reference: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), Location: time.UTC})
			if tt.name == "year rollover" {
				p = New(Options{Reference: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Location: time.UTC})
			}
			var pkt sources.Packet
			if err := p.Parse([]byte(tt.line), &pkt); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tt.time.IsZero() && (!pkt.Has(sources.HasTime) || !pkt.Time.Equal(tt.time)) {
				t.Errorf("time = %v (has %v), want %v", pkt.Time, pkt.Has(sources.HasTime), tt.time)
			}
			if tt.time.IsZero() && pkt.Has(sources.HasTime) {
				t.Errorf("time = %v, want none", pkt.Time)
			}
			if tt.uptime != 0 && (!pkt.Has(sources.HasUptime) || pkt.Uptime != tt.uptime) {
				t.Errorf("uptime = %v, want %v", pkt.Uptime, tt.uptime)
			}
			if pkt.Host != tt.host || pkt.Prefix != tt.prefix {
				t.Errorf("host, prefix = %q, %q; want %q, %q", pkt.Host, pkt.Prefix, tt.host, tt.prefix)
			}
			if pkt.Src != netip.MustParseAddr("198.51.100.7") || pkt.DstPort != 22 || pkt.Chain != sources.ChainInput {
				t.Errorf("src %v dport %d chain %v", pkt.Src, pkt.DstPort, pkt.Chain)
			}
		})
	}
}

func TestBootTime(t *testing.T) {
	boot := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	p := New(Options{Boot: boot})
	var pkt sources.Packet
	if err := p.Parse([]byte("6,1,2000000,-;"+body4), &pkt); err != nil {
		t.Fatal(err)
	}
	if want := boot.Add(2 * time.Second); !pkt.Time.Equal(want) || !pkt.Has(sources.HasTime|sources.HasUptime) {
		t.Errorf("time %v, want %v", pkt.Time, want)
	}
}

func TestSourceFields(t *testing.T) {
	p := New(Options{Source: "kmsg", Trusted: true})
	var pkt sources.Packet
	if err := p.Parse([]byte(body4), &pkt); err != nil {
		t.Fatal(err)
	}
	if pkt.Source != "kmsg" || !pkt.Trusted {
		t.Errorf("source %q trusted %v", pkt.Source, pkt.Trusted)
	}
}

func TestNotFirewall(t *testing.T) {
	lines := []string{
		"", "hello", "Mar 11 20:35:11 host sshd[1]: Accepted publickey for root",
		"Mar 11 20:35:11 host kernel: [1.0] usb 1-1: new high-speed USB device",
		"IN=eth0 and nothing else", "PHYSIN=eth0 OUT=eth1 SRC=1.2.3.4",
		" SUBSYSTEM=net", "6,1,2,-;eth0: link up",
	}
	p := newTestParser()
	var pkt sources.Packet
	for _, l := range lines {
		if err := p.Parse([]byte(l), &pkt); !errors.Is(err, ErrNotFirewall) {
			t.Errorf("%q: err = %v, want ErrNotFirewall", l, err)
		}
	}
}

// TestFastPathIPOptions: psad's long line, with the IP options of
// --log-ip-options before PROTO=, is read by the fast path, as the general
// decoder reads it.
func TestFastPathIPOptions(t *testing.T) {
	body := strings.Replace(body4, "DF PROTO=", "DF OPT (01010101) PROTO=", 1)
	p := New(Options{})
	var fast, slow sources.Packet
	if !p.fastBody([]byte(body), &fast) {
		t.Fatal("the fast path gave up on IP options")
	}
	if got := fast.IPOptions.Bytes(); !bytes.Equal(got, []byte{1, 1, 1, 1}) {
		t.Errorf("IP options %x", got)
	}
	p.noFast = true
	if err := p.Parse([]byte(body), &slow); err != nil {
		t.Fatal(err)
	}
	fast.Source, fast.Chain = slow.Source, slow.Chain
	if fast != slow {
		t.Errorf("fast path\n%+v\ngeneral\n%+v", fast, slow)
	}
}
