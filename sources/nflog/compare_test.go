package nflog

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// metaFields are the Fields bits that come from the transport, not from the
// packet's bytes.
const metaFields = sources.HasTime | sources.HasUptime | sources.HasMAC | sources.HasUID | sources.HasMark

// headerOf keeps only what a packet's bytes determine.
func headerOf(p sources.Packet) sources.Packet {
	p.Time, p.Uptime = time.Time{}, 0
	p.Source, p.Trusted, p.Host, p.Prefix, p.Chain = "", false, "", "", sources.ChainUnknown
	p.In, p.Out, p.PhysIn, p.PhysOut = "", "", "", ""
	p.MAC = sources.MAC{}
	p.UID, p.GID, p.Mark = 0, 0, 0
	p.Fields &^= metaFields
	return p
}

// parseLine parses a kernel LOG line with the text parser.
func parseLine(t testing.TB, line string) sources.Packet {
	t.Helper()
	var p sources.Packet
	if err := logline.New(logline.Options{}).Parse([]byte(line), &p); err != nil {
		t.Fatalf("logline refuses %q: %v", line, err)
	}
	return p
}

// sameHeader fails unless got (decoded) and want (parsed from the kernel's
// line) agree on every header field. Fields the line did not log because
// the rule did not ask (--log-tcp-sequence), and SCTP ports, which ifw
// decodes but the kernel never prints, are dropped from got first.
func sameHeader(t testing.TB, got, want sources.Packet) {
	t.Helper()
	got, want = headerOf(got), headerOf(want)
	if !want.Has(sources.HasSeq) {
		got.Seq, got.Ack = 0, 0
		got.Fields &^= sources.HasSeq
	}
	if got.Proto == sources.ProtoSCTP && !want.Has(sources.HasPorts) {
		got.SrcPort, got.DstPort = 0, 0
		got.Fields &^= sources.HasPorts
	}
	if got != want {
		t.Errorf("decoded and logged packets differ\n got: %+v\nwant: %+v", got, want)
	}
}
