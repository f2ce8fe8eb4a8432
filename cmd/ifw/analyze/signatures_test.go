package analyze

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/etc/config"
)

// psadSigs holds a rule ending in ");" as psad 2.4.6's own file does, a
// payload rule and a line ifw cannot read.
const psadSigs = `alert tcp $EXTERNAL_NET any -> $HOME_NET 1 (msg:"tcpmux"; flags:S; sid:1; psad_id:100001; psad_dl:2;);
alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:"web"; content:"GET"; sid:2;)
alert tcp $EXTERNAL_NET any -> $HOME_NET 99999 (msg:"bad port"; sid:3;)
alert ip $EXTERNAL_NET any -> $HOME_NET any (msg:"lsrr"; ipopts:lsrr; sid:500; psad_id:100199; psad_dl:2;);
`

// TestAnalyzePsadSkipsBadLines: a psad file with a line ifw cannot use
// loads; the line is named as file:line, and the summary counts payload
// rules and bad lines.
func TestAnalyzePsadSkipsBadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signatures")
	if err := os.WriteFile(path, []byte(psadSigs), 0o644); err != nil {
		t.Fatal(err)
	}
	a := analyzed(t, Options{Signatures: []string{path}}, capture)
	var warn bytes.Buffer
	config.WarnSkipped(&warn, a.Rules())
	if want := path + `:3: warning: rule skipped: bad port "99999"` + "\n"; warn.String() != want {
		t.Errorf("warnings %q, want %q (a payload rule is counted, not warned about)", warn.String(), want)
	}
	if s := a.Summary(); !strings.Contains(s, "2 signatures; skipped 1 payload rules, 1 bad lines") {
		t.Errorf("summary: %s", s)
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
	a := analyzed(t, Options{Signatures: []string{sigs}, AutoDL: autoDL}, capture)
	if s := a.Summary(); !strings.Contains(s, "skipped 0 payload rules, 0 bad lines") {
		t.Errorf("summary: %s", s)
	}
}
