package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConf(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigCheckCommand: `ifw config check` takes the shipped file, and
// fails on a bad one with the file:line etc/config gives (its tests cover
// what is caught).
func TestConfigCheckCommand(t *testing.T) {
	code, out, errs := runCmd(t, "", "config", "check", "--config", "../../etc/ifw.conf")
	if code != exitOK || !strings.HasPrefix(out, "ok: ../../etc/ifw.conf: collectors kmsg (kmsg)") {
		t.Errorf("shipped ifw.conf: exit %d, %q %q", code, out, errs)
	}
	bad := writeConf(t, "[daemon]\nsocket =\n")
	if code, _, errs := runCmd(t, "", "config", "check", "--config", bad); code != exitFail || !strings.Contains(errs, bad+":2: [daemon] socket: needs a value") {
		t.Errorf("bad config: exit %d, %q", code, errs)
	}
	if code, _, _ := runCmd(t, "", "config"); code != exitUsage {
		t.Errorf("ifw config without check: exit %d", code)
	}
}

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

func TestConfigCheckCountsSkipped(t *testing.T) {
	conf := writeConf(t, "[detect]\nsignatures = "+writePsadSigs(t)+"\n")
	code, out, errs := runCmd(t, "", "config", "check", "--config", conf)
	if code != exitOK || !strings.Contains(out, "signatures: 2 signatures; skipped 1 payload rules, 1 bad lines") ||
		!strings.Contains(errs, ":3: warning: rule skipped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
