package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const capture = "../../sources/logline/testdata/captures/syslog-bsd.log"

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./cmd/ifw -update rewrites it)\n%s", name, got)
	}
}

// TestAnalyzeCapture runs ifw analyze on the real nmap capture.
func TestAnalyzeCapture(t *testing.T) {
	code, out, errs := runCmd(t, "", "analyze", capture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "capture.txt", out)
	code, out, _ = runCmd(t, "", "analyze", "--json", capture)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "capture.jsonl", out)
	if !strings.Contains(errs, "534 lines, 534 firewall packets") || !strings.Contains(errs, "0 malformed") {
		t.Errorf("summary: %s", errs)
	}
}

// TestAnalyzeJSONShape checks the fields every JSON line must carry.
func TestAnalyzeJSONShape(t *testing.T) {
	_, out, _ := runCmd(t, "", "analyze", "--json", "--min-level", "0", capture)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	prev := 6
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		for _, k := range []string{"src", "danger_level", "packets", "first_seen", "last_seen", "destinations", "scans", "signatures", "os", "tool"} {
			if _, ok := m[k]; !ok {
				t.Errorf("missing %q in %s", k, l)
			}
		}
		if lvl := int(m["danger_level"].(float64)); lvl > prev {
			t.Errorf("not sorted by level: %d after %d", lvl, prev)
		} else {
			prev = lvl
		}
	}
}

func TestAnalyzeStdinAndGzip(t *testing.T) {
	data, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := runCmd(t, "", "analyze", "--json", capture)
	_, got, _ := runCmd(t, string(data), "analyze", "--json", "-")
	if got != want {
		t.Error("stdin gives a different result from the file")
	}
	gz := filepath.Join(t.TempDir(), "log.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(gz, buf.Bytes(), 0o644)
	if _, got, _ = runCmd(t, "", "analyze", "--json", gz); got != want {
		t.Error(".gz gives a different result from the plain file")
	}
}

func TestAnalyzeMatch(t *testing.T) {
	_, out, _ := runCmd(t, "", "analyze", "--json", "--min-level", "0", "--match", "src=2001:db8::/32", capture)
	if out == "" || strings.Contains(out, `"src":"198.51.100.2"`) {
		t.Errorf("--match src kept the wrong sources:\n%s", out)
	}
	code, _, errs := runCmd(t, "", "analyze", "--match", "colour=red", capture)
	if code != exitUsage || !strings.Contains(errs, "unknown field") || !strings.Contains(errs, "sport") {
		t.Errorf("unknown --match field: exit %d, %s", code, errs)
	}
}

func TestAnalyzeMalformedCounted(t *testing.T) {
	in := "Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=999 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\nhello\n"
	code, _, errs := runCmd(t, in, "analyze", "-")
	if code != exitOK || !strings.Contains(errs, "1 malformed (first: -:1: logline: TTL: number out of range") || !strings.Contains(errs, "1 skipped") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestAnalyzeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ conf, want string }{
		{"[detect]\nscan_timeout = 3600\n", "ifw.conf:2: [detect] scan_timeout: \"3600\" needs a unit"},
		{"[detect]\n\nbogus = 1\n", "ifw.conf:3: [detect] bogus: unknown key"},
		{"[detekt]\n", "ifw.conf:1: [detekt]: unknown section"},
		{"[detect]\ndanger_levels = 5 4 3 2 1\n", "ifw.conf:2: [detect] danger_levels"},
		{"[detect]\nhome_net = 203.0.113.0/33\n", "ifw.conf:2: [detect] home_net"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "ifw.conf")
		os.WriteFile(path, []byte(tt.conf), 0o644)
		code, _, errs := runCmd(t, "", "analyze", "--config", path, capture)
		if code != exitUsage || !strings.Contains(errs, tt.want) {
			t.Errorf("%q: exit %d, %q; want %q", tt.conf, code, errs, tt.want)
		}
	}
}

func TestAnalyzeConfigApplies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.conf")
	os.WriteFile(path, []byte("[detect]\nignore_sources = 198.51.100.0/24\n"), 0o644)
	_, out, _ := runCmd(t, "", "analyze", "--json", "--min-level", "0", "--config", path, capture)
	if strings.Contains(out, `"src":"198.51.100.`) {
		t.Errorf("ignore_sources not applied:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, errs := runCmd(t, "", "frobnicate"); code != exitUsage || !strings.Contains(errs, "analyze") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if code, _, _ := runCmd(t, "", "analyze"); code != exitUsage {
		t.Errorf("analyze without files: exit %d", code)
	}
}

// TestAnalyzeLongLine: a line over 64 KiB is counted as malformed and
// skipped, from a mapped file and from a stream alike.
func TestAnalyzeLongLine(t *testing.T) {
	good, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	data := append([]byte(strings.Repeat("x", 70<<10)+"\n"), good...)
	path := filepath.Join(t.TempDir(), "long.log")
	os.WriteFile(path, data, 0o644)
	for _, args := range [][]string{{"analyze", path}, {"analyze", "-"}} {
		stdin := ""
		if args[1] == "-" {
			stdin = string(data)
		}
		code, _, errs := runCmd(t, stdin, args...)
		if code != exitOK || !strings.Contains(errs, "535 lines, 534 firewall packets") || !strings.Contains(errs, "1 malformed (first: ") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
}

// TestAnalyzeProgress: --progress always draws a bar on stderr and clears it.
func TestAnalyzeProgress(t *testing.T) {
	data, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.log")
	os.WriteFile(path, bytes.Repeat(data, 140), 0o644) // > 65536 lines
	_, _, errs := runCmd(t, "", "analyze", "--progress", "always", path)
	if !strings.Contains(errs, "\r"+path) || !strings.Contains(errs, "%") || !strings.Contains(errs, "\r\033[K") {
		t.Errorf("no progress bar on stderr: %q", errs[:min(len(errs), 300)])
	}
	_, _, errs = runCmd(t, "", "analyze", path)
	if strings.Contains(errs, "\r") {
		t.Error("progress drawn on a non-terminal in auto mode")
	}
}
