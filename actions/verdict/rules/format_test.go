package rules

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenRules are the rules of testdata/format.golden, as lines.
var goldenRules = []string{
	"allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp user=alice created=2026-11-21T08:00:00Z",
	"deny exe=any dst=198.51.100.0/24 note=\"no test net\"",
	"reject exe=unknown",
	`allow exe="/opt/My App/bin/app" host=example.org port=443 proto=tcp note="added by alice"`,
	"allow exe=/usr/bin/ssh port=22 until=2026-11-22T12:00:00Z",
	"allow exe=/usr/bin/firefox sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 port=80-443",
	"allow exe=/usr/bin/dig dst=2001:db8::/32 port=53 proto=udp user=1001",
	`deny exe="/tmp/we#ird \"name\"" note="tab\there, é, \x00"`,
	"allow exe=/usr/bin/skipped idle=5m0s",
	"allow exe=/usr/bin/skipped-too lifetime=once",
}

func TestFormatGolden(t *testing.T) {
	var rs []Rule
	for _, l := range goldenRules {
		rs = append(rs, mustParse(t, l))
	}
	var b bytes.Buffer
	if err := Format(&b, rs); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "format.golden", b.Bytes())

	back, err := Parse(bytes.NewReader(b.Bytes()), "format.golden", testUsers)
	if err != nil {
		t.Fatal(err)
	}
	saved := rs[:len(rs)-2] // the session and once rules are not written
	if len(back) != len(saved) {
		t.Fatalf("read back %d rules, want %d", len(back), len(saved))
	}
	for i := range back {
		if back[i] != saved[i] {
			t.Errorf("rule %d read back as\n%+v\nwant\n%+v", i, back[i], saved[i])
		}
	}
}

func TestFormatEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := Format(&b, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != header {
		t.Errorf("Format(nil) = %q, want the header alone", b.String())
	}
	for _, l := range strings.Split(strings.TrimSuffix(header, "\n"), "\n") {
		if !strings.HasPrefix(l, "#") {
			t.Errorf("header line %q is not a comment", l)
		}
	}
}

// TestShippedRulesFile: the rules file the package installs
// (etc/rules → /etc/ifw/rules) is what the daemon itself writes for no
// rules, so a first `ifw rules add` changes only the rule lines; -update
// rewrites it.
func TestShippedRulesFile(t *testing.T) {
	var b bytes.Buffer
	if err := Format(&b, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "..", "etc", "rules")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s differs from Format(nil); run go test -update ./actions/verdict/rules", path)
	}
}

// checkGolden compares got with testdata/name; -update rewrites it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, got)
	}
}
