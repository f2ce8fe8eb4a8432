package main

import (
	"github.com/ifw/ifw/cmd/ifw/control"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// psadSigs holds a rule ending in ");" as psad 2.4.6's own file does, a
// payload rule and a line ifw cannot read.
const psadSigs = `alert tcp $EXTERNAL_NET any -> $HOME_NET 1 (msg:"tcpmux"; flags:S; sid:1; psad_id:100001; psad_dl:2;);
alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:"web"; content:"GET"; sid:2;)
alert tcp $EXTERNAL_NET any -> $HOME_NET 99999 (msg:"bad port"; sid:3;)
alert ip $EXTERNAL_NET any -> $HOME_NET any (msg:"lsrr"; ipopts:lsrr; sid:500; psad_id:100199; psad_dl:2;);
`

func writePsadSigs(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signatures")
	if err := os.WriteFile(path, []byte(psadSigs), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAnalyzePsadSkipsBadLines: a psad file with a line ifw cannot use
// loads; the line is named as file:line, and the summary counts payload
// rules and bad lines.
func TestAnalyzePsadSkipsBadLines(t *testing.T) {
	path := writePsadSigs(t)
	code, _, errs := runCmd(t, "", "analyze", "--signatures", path, capture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{path + `:3: warning: rule skipped: bad port "99999"`,
		"2 signatures; skipped 1 payload rules, 1 bad lines"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, ":2: warning") {
		t.Errorf("a payload rule is counted, not warned about line by line:\n%s", errs)
	}
}

func TestConfigCheckCountsSkipped(t *testing.T) {
	conf := writeConf(t, "[detect]\nsignatures = "+writePsadSigs(t)+"\n")
	code, out, errs := runCmd(t, "", "config", "check", "--config", conf)
	if code != exitOK || !strings.Contains(out, "signatures: 2 signatures; skipped 1 payload rules, 1 bad lines") ||
		!strings.Contains(errs, ":3: warning: rule skipped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestWriteStatusSignatures(t *testing.T) {
	st := sampleStatus()
	st.Signatures = control.SignatureCounts{Rules: 206, SkippedPayload: 3, SkippedBad: 1}
	var b bytes.Buffer
	writeStatus(&b, st)
	if want := "Signatures: 206 signatures; skipped 3 payload rules, 1 bad lines"; !strings.Contains(b.String(), want) {
		t.Errorf("status lacks %q:\n%s", want, b.String())
	}
}

// TestAnalyzeDebianPsadFiles: psad's own signatures and auto_dl (Debian
// package psad) load as they are, with no line skipped as bad.
func TestAnalyzeDebianPsadFiles(t *testing.T) {
	const sigs, autoDL = "/etc/psad/signatures", "/etc/psad/auto_dl"
	if _, err := os.Stat(sigs); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("psad is not installed (make deps): %v", err)
		}
		t.Skip("psad is not installed")
	}
	code, _, errs := runCmd(t, "", "analyze", "--signatures", sigs, "--auto-dl", autoDL, capture)
	if code != exitOK || strings.Contains(errs, "warning") || !strings.Contains(errs, "skipped 0 payload rules, 0 bad lines") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
