package config

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures/rules"
)

// TestSkippedNamed: a bad signature line is named at its file:line, on a
// terminal and in the log; a payload rule is only counted.
func TestSkippedNamed(t *testing.T) {
	const sigs = `alert tcp $EXTERNAL_NET any -> $HOME_NET 1 (msg:"tcpmux"; flags:S; sid:1; psad_id:100001; psad_dl:2;);
alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:"web"; content:"GET"; sid:2;)
alert tcp $EXTERNAL_NET any -> $HOME_NET 99999 (msg:"bad port"; sid:3;)
`
	set, err := rules.ParsePsad(strings.NewReader(sigs), "sigs")
	if err != nil {
		t.Fatal(err)
	}
	var w, l bytes.Buffer
	WarnSkipped(&w, set)
	if want := "sigs:3: warning: rule skipped: bad port \"99999\"\n"; w.String() != want {
		t.Errorf("WarnSkipped wrote %q, want %q", w.String(), want)
	}
	LogSkipped(slog.New(slog.NewTextHandler(&l, nil)), set)
	if got := l.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, `msg="signature rule skipped" at=sigs:3 reason="bad port \"99999\""`) {
		t.Errorf("LogSkipped logged %q", got)
	}
}
