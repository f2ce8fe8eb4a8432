package daemon

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// TestPipelineFutureLine (issue 13 §7): the daemon's pipeline gives the
// engine the host clock, so one line of a followed syslog file dated 6
// days ahead (the parser accepts up to 7) neither empties the status nor
// hides later attackers.
func TestPipelineFutureLine(t *testing.T) {
	eng, err := signatures.New(signatures.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := newPipeline(eng, "fw", slog.New(slog.DiscardHandler))
	now := time.Now()
	parser := logline.New(logline.Options{Reference: now, Source: "file:/var/log/kern.log"})
	line := func(at time.Time, src string, port int) {
		l := fmt.Sprintf("%s fw kernel: IN=eth0 OUT= SRC=%s DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0",
			at.Format(time.Stamp), src, port)
		var pkt sources.Packet
		if err := parser.Parse([]byte(l), &pkt); err != nil {
			t.Fatal(err)
		}
		p.alertFor(&pkt)
	}
	for i := range 18 {
		for port := range 6 {
			line(now, fmt.Sprintf("198.51.100.%d", 10+i), 1+port)
		}
	}
	line(now.Add(6*24*time.Hour), "192.0.2.66", 22)
	for port := range 6 {
		line(now, "198.51.100.99", 1+port)
	}
	if n := len(eng.Attackers(1)); n != 19 {
		t.Errorf("%d attackers listed, want the 18 and the later one; stats %+v", n, eng.Stats())
	}
	if st := eng.Stats(); st.FutureTimes != 1 || st.Expired != 0 {
		t.Errorf("stats %+v", st)
	}
	// The line counts at the host clock's bound, not at its own time.
	bound := now.Add(signatures.DefaultConfig().MaxClockAhead + time.Second)
	for _, a := range eng.Attackers(0) {
		if a.Src.String() == "192.0.2.66" && a.LastSeen.After(bound) {
			t.Errorf("future line counted at %v, after the host clock's bound %v", a.LastSeen, bound)
		}
	}
}
