package daemon

import (
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// TestPipelinePrefixMatch: the pipeline tells each alert whether a log
// prefix of its source matched auto_regex since the source's previous
// alert, as psad's ENABLE_AUTO_IDS_REGEX does per check interval: a
// packet with a matching prefix marks its source, the next alert takes
// the mark; a packet without a prefix, or one the engine ignored, marks
// nothing.
func TestPipelinePrefixMatch(t *testing.T) {
	cfg := signatures.DefaultConfig()
	cfg.IgnorePorts = []signatures.PortRange{{Proto: 6, Lo: 22, Hi: 22}}
	eng, err := signatures.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := newPipeline(eng, "fw", slog.New(slog.DiscardHandler))
	p.prefixes = newPrefixMatches(regexp.MustCompile("ESTAB"))
	now := time.Now()
	parser := logline.New(logline.Options{Reference: now, Source: "kmsg"})
	// send sends a SYN from src to port with prefix, and returns whether
	// it made an alert and that alert's mark.
	send := func(src, prefix string, port int) (alerted, matched bool) {
		t.Helper()
		l := fmt.Sprintf("%s fw kernel: %sIN=eth0 OUT= SRC=%s DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0",
			now.Format(time.Stamp), prefix, src, port)
		var pkt sources.Packet
		if err := parser.Parse([]byte(l), &pkt); err != nil {
			t.Fatal(err)
		}
		pa, ok := p.alertFor(&pkt)
		return ok, pa.prefixMatched
	}
	// 198.51.100.1: the first alert comes with a matching packet before it.
	send("198.51.100.1", "FWSNORT ESTAB 1 ", 1)
	var firstMatched bool
	for port := 2; port < 100; port++ {
		if alerted, m := send("198.51.100.1", "DROP ", port); alerted {
			firstMatched = m
			break
		}
	}
	if !firstMatched {
		t.Error("an alert after a matching prefix is not marked")
	}
	// Its next alert has had no matching packet since.
	for port := 100; port < 2000; port++ {
		if alerted, m := send("198.51.100.1", "DROP ", port); alerted {
			if m {
				t.Errorf("alert at port %d marked with the previous window's match", port)
			}
			break
		}
	}
	// 198.51.100.2: matching prefixes only on ignored packets (port 22),
	// none on the others: never marked.
	for port := 1; port < 200; port++ {
		send("198.51.100.2", "ESTAB ", 22)
		if alerted, m := send("198.51.100.2", "", port); alerted && m {
			t.Fatalf("alert at port %d marked by ignored packets", port)
		}
	}
	var ignored uint64
	for _, n := range eng.Stats().Ignored {
		ignored += n
	}
	if ignored < 100 {
		t.Errorf("%d packets ignored: the port-22 packets were not", ignored)
	}
	var nilMatches *prefixMatches
	if nilMatches.take(netip.MustParseAddr("198.51.100.1")) {
		t.Error("no regex: marked")
	}
}

// TestPrefixMatchesBounded: past maxPrefixMatches sources one is
// forgotten; a mapped IPv4 address is its IPv4 source.
func TestPrefixMatchesBounded(t *testing.T) {
	m := newPrefixMatches(regexp.MustCompile("^ESTAB"))
	for i := range maxPrefixMatches + 10 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		m.note(&sources.Packet{Src: a, Prefix: "ESTAB"})
	}
	if len(m.matched) != maxPrefixMatches {
		t.Errorf("%d sources remembered, want %d", len(m.matched), maxPrefixMatches)
	}
	m.note(&sources.Packet{Src: netip.MustParseAddr("::ffff:192.0.2.1"), Prefix: "ESTAB x"})
	m.note(&sources.Packet{Src: netip.MustParseAddr("192.0.2.2"), Prefix: "x ESTAB"})
	if !m.take(netip.MustParseAddr("192.0.2.1")) || m.take(netip.MustParseAddr("192.0.2.1")) || m.take(netip.MustParseAddr("192.0.2.2")) {
		t.Error("mapped source not found once, or an unanchored match where ^ anchors")
	}
}
