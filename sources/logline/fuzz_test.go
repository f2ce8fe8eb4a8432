package logline

import (
	"bytes"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// FuzzParse checks that no input panics, that every accepted line has valid,
// consistent addresses, and that an ICMP error's embedded packet never leaks
// into the outer header.
func FuzzParse(f *testing.F) {
	for _, file := range captureFiles(f) {
		lines := readLines(f, file)
		for i := 0; i < len(lines); i += 1 + len(lines)/40 {
			f.Add(lines[i])
		}
	}
	f.Add([]byte(body4))
	f.Add([]byte("IN=eth0 OUT= SRC=203.0.113.5 DST=198.51.100.7 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=9 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.7 DST=203.0.113.5 LEN=28 TOS=0x00 PREC=0x00 TTL=40 ID=77 PROTO=UDP SPT=45000 DPT=161 LEN=8 ] "))
	f.Add([]byte("IN=eth0 OUT= SRC=2001:db8::7 DST=2001:db8::5 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:1232 INCOMPLETE ID:0000abcd ) PROTO=UDP "))
	addWildSeeds(f)
	p := New(Options{})
	f.Fuzz(func(t *testing.T, line []byte) {
		var pkt sources.Packet
		if err := p.Parse(line, &pkt); err != nil {
			return
		}
		checkAccepted(t, line, &pkt)
		if pkt.Has(sources.HasEmbedded) {
			checkOuterWithoutEmbedded(t, p, line, &pkt)
		}
	})
}

func checkAccepted(t *testing.T, line []byte, pkt *sources.Packet) {
	t.Helper()
	if !pkt.Src.IsValid() || !pkt.Dst.IsValid() || pkt.Src.Zone() != "" || pkt.Src.Is4() != pkt.Dst.Is4() {
		t.Fatalf("%q: bad addresses %v %v", line, pkt.Src, pkt.Dst)
	}
	if (pkt.Version == 4) != pkt.Src.Is4() || (pkt.Version != 4 && pkt.Version != 6) {
		t.Fatalf("%q: version %d for %v", line, pkt.Version, pkt.Src)
	}
	if pkt.Has(sources.HasEmbedded) && (!pkt.Embedded.Src.IsValid() || pkt.Embedded.Src.Is4() != pkt.Src.Is4()) {
		t.Fatalf("%q: bad embedded %+v", line, pkt.Embedded)
	}
	if pkt.FlowLabel > 0xfffff || pkt.TCPOptions.Len() > 40 || pkt.IPOptions.Len() > 40 {
		t.Fatalf("%q: out of range %+v", line, pkt)
	}
}

// checkOuterWithoutEmbedded parses the line cut before its embedded packet
// and requires the same outer header.
func checkOuterWithoutEmbedded(t *testing.T, p *Parser, line []byte, pkt *sources.Packet) {
	t.Helper()
	at := bytes.Index(line, []byte(" [SRC="))
	if at < 0 {
		return
	}
	var outer sources.Packet
	if err := p.Parse(line[:at], &outer); err != nil {
		return
	}
	if outer.Src != pkt.Src || outer.Dst != pkt.Dst || outer.Proto != pkt.Proto || outer.TTL != pkt.TTL || outer.Len != pkt.Len {
		t.Fatalf("%q: embedded fields leaked: outer %v>%v, cut %v>%v", line, pkt.Src, pkt.Dst, outer.Src, outer.Dst)
	}
}

// FuzzFastPath holds the fast path to the general decoder: for every input,
// both give the same error-ness and, when accepted, the same packet.
func FuzzFastPath(f *testing.F) {
	for _, file := range captureFiles(f) {
		lines := readLines(f, file)
		for i := 0; i < len(lines); i += 1 + len(lines)/40 {
			f.Add(lines[i])
		}
	}
	f.Add([]byte(body4))
	for _, opt := range []string{"01010101", "440C0501000000000000000000", "", "TRUNCATED", "0", "01010101) OPT (01"} { // --log-ip-options
		f.Add([]byte("Nov 20 00:00:02 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=44 TOS=0x00 PREC=0x00 TTL=106 ID=12732 DF OPT (" + opt + ") PROTO=TCP SPT=43539 DPT=23 SEQ=3000020564 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) "))
	}
	addWildSeeds(f)
	fast, slow := New(Options{}), New(Options{})
	slow.noFast = true
	f.Fuzz(func(t *testing.T, line []byte) {
		var a, b sources.Packet
		errA, errB := fast.Parse(line, &a), slow.Parse(line, &b)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%q: fast path err %v, general %v", line, errA, errB)
		}
		if errA != nil {
			return
		}
		if !a.Time.Equal(b.Time) {
			t.Fatalf("%q: fast path time %v, general %v", line, a.Time, b.Time)
		}
		a.Time, b.Time = time.Time{}, time.Time{} // zones are cached per parser
		if a != b {
			t.Fatalf("%q: fast path\n%+v\ngeneral\n%+v", line, a, b)
		}
	})
}

// addWildSeeds adds the line forms of other loggers and relays (wild_test.go).
func addWildSeeds(f *testing.F) {
	for _, c := range wildCases() {
		f.Add([]byte(c.line))
	}
	for _, l := range []string{
		wildARP, "[1.5] test: IN=veth0 OUT= MACSRC=86:6c:92:ea:d6:73 MACDST=0e:3b:eb:86:73:76 VPROTO=8100 VID=10 MACPROTO=0806 " + wildARP[len("IN=eth1 OUT=eth2 "):],
		"IN=br0 OUT= MACSRC=86:6c:92:ea:d6:73 MACDST=0e:3b:eb:86:73:76 MACPROTO=88cc ",
		"__REALTIME_TIMESTAMP=1642033008518660", "MESSAGE=iptables DROP_INPUT: " + wildTCP,
	} {
		f.Add([]byte(l))
	}
}
