package analyze

import (
	"fmt"
	"strings"
	"testing"
)

// TestAnalyzeFutureLine (issue 13 §7): one line dated 6 days ahead in the
// middle of a scan used to end the scanner's window there, so its 200
// probes counted as two windows of 100 (level 2 each, not 3); now the
// clock waits for the log to agree, and the summary counts the line.
func TestAnalyzeFutureLine(t *testing.T) {
	var in strings.Builder
	syn := func(ts, src string, port int) {
		fmt.Fprintf(&in, "%s fw kernel: IN=eth0 OUT= SRC=%s DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n", ts, src, port)
	}
	for i := range 100 {
		syn(fmt.Sprintf("2024-03-01T12:00:%02d.%03d+00:00", i/10, i%10), "198.51.100.7", 1+i)
	}
	syn("2024-03-07T12:00:00+00:00", "192.0.2.66", 22)
	for i := range 100 {
		syn(fmt.Sprintf("2024-03-01T12:01:%02d.%03d+00:00", i/10, i%10), "198.51.100.7", 101+i)
	}
	o := stdin(in.String())
	o.MinLevel = 1
	a := analyzed(t, o, "-")
	out, errs := jsonLines(t, a), a.Summary()
	if !strings.Contains(out, `{"src":"198.51.100.7","danger_level":3,"packets":200,`) {
		t.Errorf("scanner not one level-3 window:\n%s", out)
	}
	if !strings.Contains(errs, "1 dated over a day ahead of the log") {
		t.Errorf("summary: %s", errs)
	}
}
