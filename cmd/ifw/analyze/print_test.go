package analyze

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

// TestAnalyzeProtocols: protocols are named (igmp, not 2), and a scan line
// shows only what its protocol has: ports for TCP, UDP, UDPLITE and SCTP
// when the kernel logged them, ICMP types, an IP protocol scan's protocols;
// the scan class is not repeated when it is the protocol (issue 12 §7).
func TestAnalyzeProtocols(t *testing.T) {
	out := text(t, analyzed(t, Options{MinLevel: 0}, "testdata/protocols.log"), 20)
	golden(t, "protocols.txt", out)
	for _, bad := range []string{"(0 distinct)", "sctp    sctp", "udp     udplite", "udplite/udp", "sctp/sctp", "icmp/icmp"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q", bad)
		}
	}
	if m := regexp.MustCompile(`(?m)^ +\d+  \d+$`).FindString(out); m != "" {
		t.Errorf("a protocol counted by number: %q", m)
	}
	for _, want := range []string{"igmp", "pim", "vrrp", "ipencap", "ipv6", "types 8-17 (4 distinct)", "protocols igmp-udplite (10 distinct)", "ports 2901-2919 (19 distinct)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

const dmesgCapture = "../../../sources/logline/testdata/captures/dmesg.log"

// TestAnalyzeUptime: `dmesg | ifw analyze -` has kernel uptime only, which
// is shown as uptime, never as a 1970 date (issue 12 §7).
func TestAnalyzeUptime(t *testing.T) {
	a := analyzed(t, Options{MinLevel: 1}, dmesgCapture)
	out := text(t, a, 10)
	golden(t, "dmesg.txt", out)
	if strings.Contains(out, "1970") || !strings.Contains(out, "uptime") {
		t.Errorf("uptime shown as a date, or not at all:\n%s", out)
	}
	if out = jsonLines(t, a); strings.Contains(out, "1970") || !strings.Contains(out, `"first_uptime":`) {
		t.Errorf("JSON gives uptime as a 1970 date:\n%s", out)
	}
}

// TestAnalyzeMinLevelZero: MinLevel 0 lists every source, also those
// whose scan window closed at level 0 before the log ended.
func TestAnalyzeMinLevelZero(t *testing.T) {
	in := "Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.20 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n" +
		"Nov 21 12:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.21 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=2 PROTO=TCP SPT=1 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n"
	out := jsonLines(t, analyzed(t, stdin(in), "-"))
	for _, src := range []string{"198.51.100.20", "198.51.100.21"} {
		if !strings.Contains(out, `"src":"`+src+`"`) {
			t.Errorf("MinLevel 0 left out %s:\n%s", src, out)
		}
	}
	o := stdin(in)
	o.MinLevel = 1
	if out = jsonLines(t, analyzed(t, o, "-")); strings.TrimSpace(out) != "" {
		t.Errorf("MinLevel 1 lists level-0 sources:\n%s", out)
	}
}

// TestAnalyzeBoot: Boot turns kernel uptime into wall-clock time, with a
// given boot time or, for this host's own ring buffer (dmesg | ifw analyze
// --boot host -), the host's.
func TestAnalyzeBoot(t *testing.T) {
	out := text(t, analyzed(t, Options{Boot: "2026-11-21T23:30:00Z"}, dmesgCapture), 10)
	if strings.Contains(out, "uptime") || !strings.Contains(out, "from 2026-11-21 23:45:05 to 2026-11-21 23:45:31") {
		t.Errorf("Boot TIME:\n%s", out[:min(len(out), 300)])
	}
	out = text(t, analyzed(t, Options{Boot: "host"}, dmesgCapture), 10)
	if strings.Contains(out, "uptime") || strings.Contains(out, "1970") {
		t.Errorf("Boot host:\n%s", out[:min(len(out), 300)])
	}
}

// TestWriteAttacker: the block `ifw status` shares, times shown as the
// caller says, a missing OS or tool as "-".
func TestWriteAttacker(t *testing.T) {
	first := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	a := signatures.Attacker{Src: netip.MustParseAddr("198.51.100.9"), Level: 2, Packets: 120, FirstSeen: first, LastSeen: first.Add(time.Minute),
		Tool: "nmap", AutoDL: 3}
	var b bytes.Buffer
	WriteAttacker(&b, &a, func(t time.Time) string { return t.Format("15:04") })
	want := "\n198.51.100.9  danger level 2  120 packets  08:00 .. 08:01\n    os: -  tool: nmap\n    auto_dl: level 3\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
