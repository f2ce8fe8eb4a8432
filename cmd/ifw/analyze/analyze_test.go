package analyze

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const capture = "../../../sources/logline/testdata/captures/syslog-bsd.log"

// analyzed reads files through a new analysis made of o; it fails the
// test on an error.
func analyzed(t *testing.T, o Options, files ...string) *Analysis {
	t.Helper()
	a, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Read(files...); err != nil {
		t.Fatal(err)
	}
	return a
}

// text is a's text report with top rows in each top list.
func text(t *testing.T, a *Analysis, top int) string {
	t.Helper()
	var b bytes.Buffer
	if err := a.WriteText(&b, top); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// jsonLines is a's JSON report.
func jsonLines(t *testing.T, a *Analysis) string {
	t.Helper()
	var b bytes.Buffer
	if err := a.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func stdin(s string) Options { return Options{Stdin: strings.NewReader(s)} }

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
		t.Errorf("%s differs from the golden file (go test ./cmd/ifw/analyze -update rewrites it)\n%s", name, got)
	}
}

// TestAnalyzeCapture analyzes the real nmap capture.
func TestAnalyzeCapture(t *testing.T) {
	a := analyzed(t, Options{MinLevel: 1}, capture) // ifw analyze's defaults
	golden(t, "capture.txt", text(t, a, 10))
	golden(t, "capture.jsonl", jsonLines(t, a))
	if s := a.Summary(); !strings.Contains(s, "ifw analyze: 534 lines, 534 firewall packets") || !strings.Contains(s, "0 malformed") {
		t.Errorf("summary: %s", s)
	}
	if f := a.Files(); len(f) != 1 || f[0] != (FileCounts{Name: capture, Lines: 534, Packets: 534}) {
		t.Errorf("Files() = %+v", f)
	}
}

// TestAnalyzeJSONShape checks the fields every JSON line must carry.
func TestAnalyzeJSONShape(t *testing.T) {
	out := jsonLines(t, analyzed(t, Options{MinLevel: 0}, capture))
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
	want := jsonLines(t, analyzed(t, Options{}, capture))
	if got := jsonLines(t, analyzed(t, stdin(string(data)), "-")); got != want {
		t.Error("stdin gives a different result from the file")
	}
	gz := filepath.Join(t.TempDir(), "log.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(gz, buf.Bytes(), 0o644)
	if got := jsonLines(t, analyzed(t, Options{}, gz)); got != want {
		t.Error(".gz gives a different result from the plain file")
	}
}

// TestAnalyzeFiles: each input's counts are its own, in order; a file
// that cannot be read is an error naming it, after the counts of those
// before.
func TestAnalyzeFiles(t *testing.T) {
	in := "hello\n" + strings.Repeat("Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\n", 3)
	a, err := New(stdin(in))
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.log")
	err = a.Read(capture, "-", missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
	want := []FileCounts{{Name: capture, Lines: 534, Packets: 534}, {Name: "-", Lines: 4, Packets: 3}}
	if got := a.Files(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Files() = %+v, want %+v", got, want)
	}
}

func TestAnalyzeMatch(t *testing.T) {
	out := jsonLines(t, analyzed(t, Options{Match: "src=2001:db8::/32"}, capture))
	if out == "" || strings.Contains(out, `"src":"198.51.100.2"`) {
		t.Errorf("--match src kept the wrong sources:\n%s", out)
	}
	_, err := New(Options{Match: "colour=red"})
	if err == nil || !strings.Contains(err.Error(), "unknown field") || !strings.Contains(err.Error(), "sport") {
		t.Errorf("unknown --match field: %v", err)
	}
}

func TestAnalyzeMalformedCounted(t *testing.T) {
	in := "Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=999 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\nhello\n"
	s := analyzed(t, stdin(in), "-").Summary()
	if !strings.Contains(s, "1 malformed (first: -:1: logline: TTL: number out of range") || !strings.Contains(s, "1 skipped") {
		t.Errorf("summary: %s", s)
	}
}

// TestAnalyzeOptionErrors: each option's mistake is found by New, named
// by its flag or placed at its file:line.
func TestAnalyzeOptionErrors(t *testing.T) {
	dir := t.TempDir()
	conf := func(s string) string {
		path := filepath.Join(dir, "ifw.conf")
		os.WriteFile(path, []byte(s), 0o644)
		return path
	}
	tests := []struct {
		o    func() Options
		want string
	}{
		{func() Options { return Options{Config: conf("[detect]\nscan_timeout = 3600\n")} }, "ifw.conf:2: [detect] scan_timeout: \"3600\" needs a unit"},
		{func() Options { return Options{Config: conf("[detect]\n\nbogus = 1\n")} }, "ifw.conf:3: [detect] bogus: unknown key"},
		{func() Options { return Options{Config: conf("[detekt]\n")} }, "ifw.conf:1: [detekt]: unknown section"},
		{func() Options { return Options{Config: conf("[detect]\ndanger_levels = 5 4 3 2 1\n")} }, "ifw.conf:2: [detect] danger_levels"},
		{func() Options { return Options{Config: conf("[detect]\nhome_net = 203.0.113.0/33\n")} }, "ifw.conf:2: [detect] home_net"},
		{func() Options { return Options{MinLevel: 6} }, "--min-level 6: want 0-5"},
		{func() Options { return Options{MinLevel: -1} }, "--min-level -1: want 0-5"},
		{func() Options { return Options{Since: "soon"} }, `--since: "soon" is not a time`},
		{func() Options { return Options{Until: "later"} }, `--until: "later" is not a time`},
		{func() Options { return Options{Boot: "yesterday-ish"} }, "--boot: "},
		{func() Options { return Options{Match: "port=5-3"} }, "--match port=5-3: "},
		{func() Options { return Options{Signatures: []string{filepath.Join(dir, "none")}} }, "none: no such file"},
	}
	for _, tt := range tests {
		o := tt.o()
		if _, err := New(o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v; want %q", o, err, tt.want)
		}
	}
}

func TestAnalyzeConfigApplies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.conf")
	os.WriteFile(path, []byte("[detect]\nignore_sources = 198.51.100.0/24\n"), 0o644)
	if out := jsonLines(t, analyzed(t, Options{Config: path}, capture)); strings.Contains(out, `"src":"198.51.100.`) {
		t.Errorf("ignore_sources not applied:\n%s", out)
	}
}

// TestAnalyzeSinceUntil: packets outside --since and --until are filtered
// out and counted so.
func TestAnalyzeSinceUntil(t *testing.T) {
	all := analyzed(t, Options{}, capture).counts
	if all.first.IsZero() || !all.first.Before(all.last) {
		t.Fatalf("capture spans %v to %v", all.first, all.last)
	}
	mid := all.first.Add(all.last.Sub(all.first) / 2).Format("2006-01-02T15:04:05.999999999Z07:00")
	early := analyzed(t, Options{Until: mid}, capture)
	late := analyzed(t, Options{Since: mid}, capture)
	// a packet at mid passes both
	if e, l := early.counts.packets, late.counts.packets; e == 0 || l == 0 || e >= all.packets || l >= all.packets || e+l < all.packets {
		t.Errorf("until %s: %d packets, since: %d, of %d", mid, e, l, all.packets)
	}
	if !strings.Contains(early.Summary(), " filtered out") || early.counts.filtered != all.packets-early.counts.packets {
		t.Errorf("filtered: %d; %s", early.counts.filtered, early.Summary())
	}
}

// TestAnalyzeLongLine: a line over 64 KiB is counted as malformed and
// skipped, from a file and from a stream alike.
func TestAnalyzeLongLine(t *testing.T) {
	good, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	data := append([]byte(strings.Repeat("x", 70<<10)+"\n"), good...)
	path := filepath.Join(t.TempDir(), "long.log")
	os.WriteFile(path, data, 0o644)
	for _, file := range []string{path, "-"} {
		s := analyzed(t, stdin(string(data)), file).Summary()
		if !strings.Contains(s, "535 lines, 534 firewall packets") || !strings.Contains(s, "1 malformed (first: ") {
			t.Errorf("%s: %s", file, s)
		}
	}
}

// TestAnalyzeProgress: "always" draws a bar and clears it; "auto" draws
// nothing on what is not a terminal, nor does a nil ProgressTo.
func TestAnalyzeProgress(t *testing.T) {
	data, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.log")
	os.WriteFile(path, bytes.Repeat(data, 140), 0o644) // > 65536 lines
	var bar bytes.Buffer
	analyzed(t, Options{ProgressTo: &bar, Progress: "always"}, path)
	if errs := bar.String(); !strings.Contains(errs, "\r"+path) || !strings.Contains(errs, "%") || !strings.HasSuffix(errs, "\r\033[K") {
		t.Errorf("no progress bar: %q", errs[:min(len(errs), 300)])
	}
	bar.Reset()
	analyzed(t, Options{ProgressTo: &bar}, path)
	if bar.Len() != 0 {
		t.Errorf("progress drawn on a non-terminal in auto mode: %q", bar.String())
	}
	analyzed(t, Options{Progress: "always"}, path) // nowhere to draw: no panic
}
