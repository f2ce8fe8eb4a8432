package logline

import (
	"errors"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
)

const badBase = "IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0"

func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		reason Reason
	}{
		{"too long", badBase + strings.Repeat(" X", MaxLineLen), ReasonTooLong},
		{"nul byte", strings.Replace(badBase, "TTL=64", "TTL=6\x004", 1), ReasonNUL},
		{"invalid utf-8 prefix", "\xff\xfe " + badBase, ReasonEncoding},
		{"invalid utf-8 interface", strings.Replace(badBase, "IN=eth0", "IN=e\xfft", 1), ReasonEncoding},
		{"ttl out of range", strings.Replace(badBase, "TTL=64", "TTL=999", 1), ReasonRange},
		{"dpt out of range", strings.Replace(badBase, "DPT=2", "DPT=70000", 1), ReasonRange},
		{"huge number", strings.Replace(badBase, "DPT=2", "DPT=999999999999999999999999", 1), ReasonRange},
		{"negative length", strings.Replace(badBase, "LEN=40", "LEN=-1", 1), ReasonSyntax},
		{"empty value", strings.Replace(badBase, "TTL=64", "TTL=", 1), ReasonSyntax},
		{"repeated src", strings.Replace(badBase, "LEN=40", "SRC=1.1.1.1 LEN=40", 1), ReasonDuplicate},
		{"repeated flag", strings.Replace(badBase, "SYN", "SYN SYN", 1), ReasonDuplicate},
		{"bad address", strings.Replace(badBase, "SRC=198.51.100.7", "SRC=198.51.100.777", 1), ReasonAddress},
		{"zone in address", strings.Replace(badBase, "SRC=198.51.100.7 DST=203.0.113.5", "SRC=fe80::1%eth0 DST=fe80::2", 1), ReasonAddress},
		{"mixed families", strings.Replace(badBase, "DST=203.0.113.5", "DST=2001:db8::1", 1), ReasonFamily},
		{"ipv6 address with ipv4 fields", strings.Replace(badBase, "SRC=198.51.100.7 DST=203.0.113.5", "SRC=2001:db8::1 DST=2001:db8::2", 1), ReasonFamily},
		{"truncated line", badBase[:strings.Index(badBase, "DST=")], ReasonMissing},
		{"truncated mid field", badBase[:strings.Index(badBase, "SPT=")+2], ReasonUnknown},
		{"no proto", strings.Replace(badBase, "PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0", "", 1), ReasonMissing},
		{"ports on icmp", strings.Replace(badBase, "PROTO=TCP", "PROTO=ICMP TYPE=8 CODE=0", 1), ReasonUnknown},
		{"unknown key", badBase + " FOO=1", ReasonUnknown},
		{"unknown word", badBase + " BOGUS", ReasonUnknown},
		{"bad proto", strings.Replace(badBase, "PROTO=TCP", "PROTO=FOO", 1), ReasonSyntax},
		{"odd option hex", badBase + " OPT (020)", ReasonSyntax},
		{"option too long", badBase + " OPT (" + strings.Repeat("01", 41) + ")", ReasonSyntax},
		{"bad mac", strings.Replace(badBase, "OUT= ", "OUT= MAC=zz:11 ", 1), ReasonSyntax},
		{"unterminated embedded", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=5.6.7.8 DST=1.2.3.4 LEN=28", ReasonSyntax},
		{"nested embedded", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=5.6.7.8 DST=1.2.3.4 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=1.1.1.1 ] ] ", ReasonSyntax},
		{"embedded on tcp", badBase + " [SRC=1.1.1.1 DST=2.2.2.2 ]", ReasonSyntax},
		{"embedded family differs", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=2001:db8::1 DST=2001:db8::2 LEN=40 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=UDP SPT=1 DPT=2 LEN=8 ] ", ReasonFamily},
		{"uid in embedded", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=5.6.7.8 DST=1.2.3.4 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 UID=0 ] ", ReasonUnknown},
		{"bad time", "Feb 30 10:00:00 fw kernel: " + badBase, ReasonTime},
		{"bad iso time", "2026-13-01T00:00:00Z fw kernel: " + badBase, ReasonTime},
		{"only spt", strings.Replace(badBase, " DPT=2", "", 1), ReasonMissing},
		{"tos not hex", strings.Replace(badBase, "TOS=0x00", "TOS=0g", 1), ReasonSyntax},
		{"mark not hex", badBase + " MARK=0xz1", ReasonSyntax},
		{"vproto not hex", strings.Replace(badBase, "OUT= ", "OUT= VPROTO=81g0 ", 1), ReasonSyntax},
	}
	p := newTestParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pkt sources.Packet
			err := p.Parse([]byte(tt.line), &pkt)
			var pe *Error
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if pe.Reason != tt.reason {
				t.Errorf("reason = %v (%v), want %v", pe.Reason, err, tt.reason)
			}
			if len(pe.Value) > maxErrValue {
				t.Errorf("error value not bounded: %d bytes", len(pe.Value))
			}
		})
	}
}

func TestSrcInPrefixNeverUsed(t *testing.T) {
	p := newTestParser()
	var pkt sources.Packet
	line := "kernel: SRC=10.9.9.9 DST=10.9.9.9 " + badBase
	if err := p.Parse([]byte(line), &pkt); err != nil {
		t.Fatal(err)
	}
	if pkt.Src != mustAddr("198.51.100.7") || pkt.Dst != mustAddr("203.0.113.5") {
		t.Errorf("src %v dst %v came from the prefix", pkt.Src, pkt.Dst)
	}
}
