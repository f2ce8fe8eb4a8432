package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const capture = "../../sources/logline/testdata/captures/syslog-bsd.log"

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// TestAnalyzeCommand: `ifw analyze` prints the analyzer's report (the
// golden files of cmd/ifw/analyze, which its tests keep) on stdout, the
// summary on stderr, and says a mistake in the options is a usage error,
// a file it cannot read a failure.
func TestAnalyzeCommand(t *testing.T) {
	for _, c := range []struct {
		args   []string
		golden string
	}{{[]string{"analyze", capture}, "capture.txt"}, {[]string{"analyze", "--json", capture}, "capture.jsonl"},
		{[]string{"analyze", "--min-level", "0", "--top", "20", "analyze/testdata/protocols.log"}, "protocols.txt"}} {
		code, out, errs := runCmd(t, "", c.args...)
		want, err := os.ReadFile(filepath.Join("analyze", "testdata", c.golden))
		if err != nil {
			t.Fatal(err)
		}
		if code != exitOK || out != string(want) || !strings.HasPrefix(errs, "ifw analyze: ") || !strings.Contains(errs, " lines/s\n") {
			t.Errorf("%v: exit %d, stdout differs from %s: %v, stderr %q", c.args, code, c.golden, out != string(want), errs)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"analyze"}, exitUsage, "no input: give FILE... or -"},
		{[]string{"analyze", "--min-level", "9", capture}, exitUsage, "ifw analyze: --min-level 9: want 0-5\n"},
		{[]string{"analyze", "--match", "colour=red", capture}, exitUsage, `ifw analyze: --match: unknown field "colour"`},
		{[]string{"analyze", "--boot", "yesterday-ish", capture}, exitUsage, "ifw analyze: --boot: "},
		{[]string{"analyze", "/nonexistent/fw.log"}, exitFail, "ifw analyze: open /nonexistent/fw.log: no such file or directory\n"},
	} {
		if code, _, errs := runCmd(t, "", c.args...); code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestAnalyzeProfiles: --cpuprofile and --memprofile write their files.
func TestAnalyzeProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu"), filepath.Join(dir, "mem")
	if code, _, errs := runCmd(t, "", "analyze", "--cpuprofile", cpu, "--memprofile", mem, capture); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, p := range []string{cpu, mem} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestUsage(t *testing.T) {
	if code, _, errs := runCmd(t, "", "frobnicate"); code != exitUsage || !strings.Contains(errs, "analyze") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
