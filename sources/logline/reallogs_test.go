package logline

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

// realLogsDir finds ../shared/reallogs next to the repository (the
// directory holding go.mod): firewall lines of other projects' test suites
// and documentation, with expect.txt saying what each must give. Outside
// CI the test skips when the directory is absent; under CI=true it fails.
func realLogsDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	logs := filepath.Join(dir, "..", "shared", "reallogs")
	if _, err := os.Stat(filepath.Join(logs, "expect.txt")); err != nil {
		testenv.Missing(tb, "real log corpus not found (%v): it lives in ../shared/reallogs next to the repository", err)
	}
	return logs
}

// expectation is one file's line of expect.txt.
type expectation struct {
	file                         string
	lines                        int
	info                         bool
	edited, nonIP, other, untime map[int]bool
}

func readExpect(tb testing.TB, dir string) []expectation {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "expect.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []expectation
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		keys, _, _ := strings.Cut(line, " :: ")
		fields := strings.Fields(keys)
		e := expectation{file: fields[0]}
		for _, kv := range fields[1:] {
			if err := e.set(kv); err != nil {
				tb.Fatalf("expect.txt:%d: %v", n, err)
			}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func (e *expectation) set(kv string) error {
	k, v, _ := strings.Cut(kv, "=")
	var err error
	switch k {
	case "info":
		e.info = true
	case "lines":
		e.lines, err = strconv.Atoi(v)
	case "edited":
		e.edited, err = lineSet(v)
	case "nonip":
		e.nonIP, err = lineSet(v)
	case "other":
		e.other, err = lineSet(v)
	case "untimed":
		e.untime, err = lineSet(v)
	case "scan", "scan?": // checked by cmd/ifw's TestAnalyzeRealLogs
	default:
		err = errors.New("unknown key " + k)
	}
	return err
}

// lineSet reads "2,5,18-49".
func lineSet(v string) (map[int]bool, error) {
	set := map[int]bool{}
	for _, part := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil {
			return nil, err
		}
		for i := a; i <= b; i++ {
			set[i] = true
		}
	}
	return set, nil
}

// envelopeLeft matches what a syslog daemon or the journal wraps around the
// kernel's message, which must never end up in a log prefix.
var envelopeLeft = regexp.MustCompile(`kernel:|MESSAGE=|^\[\s*\d+\.\d+\]|\b(kern|user|daemon)\.(warn|info|debug|err)\b|^<\d+>|^\d{4}-\d\d-\d\dT|^[A-Z][a-z]{2} [ \d]\d `)

// TestRealLogs parses the real lines of ../shared/reallogs as expect.txt
// says: every real netfilter line gives one packet with the time its line
// carries and a prefix without envelope; non-IP lines give ErrNotIP, other
// lines no packet; lines the origins edited by hand are not checked.
func TestRealLogs(t *testing.T) {
	dir := realLogsDir(t)
	files := readExpect(t, dir)
	counted := 0
	for _, e := range files {
		if !e.info {
			counted++
		}
	}
	if counted != 13 {
		t.Errorf("expect.txt lists %d files to check, want 13", counted)
	}
	for _, e := range files {
		t.Run(e.file, func(t *testing.T) {
			if e.info {
				t.Skip("a form outside the LOG format (info in expect.txt)")
			}
			lines := readLines(t, filepath.Join(dir, e.file))
			if len(lines) != e.lines {
				t.Errorf("%d lines, expect.txt says %d", len(lines), e.lines)
			}
			p := New(Options{Reference: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), Location: time.UTC})
			packets := 0
			for i, line := range lines {
				if e.checkLine(t, p, i+1, line) {
					packets++
				}
			}
			t.Logf("%d lines, %d packets", len(lines), packets)
		})
	}
}

// checkLine checks line n and reports whether it gave a packet.
func (e *expectation) checkLine(t *testing.T, p *Parser, n int, line []byte) bool {
	t.Helper()
	var pkt sources.Packet
	err := p.Parse(line, &pkt)
	switch {
	case e.edited[n]:
		return err == nil
	case e.nonIP[n]:
		if !errors.Is(err, ErrNotIP) {
			t.Errorf("line %d (non-IP): err = %v, want ErrNotIP", n, err)
		}
		return false
	case e.other[n]:
		if err == nil || !errors.Is(err, ErrNotFirewall) {
			t.Errorf("line %d (not a firewall line): err = %v, want ErrNotFirewall", n, err)
		}
		return false
	case err != nil:
		t.Errorf("line %d: %v\n%s", n, err, line)
		return false
	}
	if pkt.Has(sources.HasTime) == e.untime[n] {
		t.Errorf("line %d: has time %v (%v), expect.txt says untimed %v", n, pkt.Has(sources.HasTime), pkt.Time, e.untime[n])
	}
	if envelopeLeft.MatchString(pkt.Prefix) || (pkt.Host != "" && strings.Contains(pkt.Prefix, pkt.Host)) {
		t.Errorf("line %d: envelope left in the prefix %q (host %q)", n, pkt.Prefix, pkt.Host)
	}
	if !pkt.Src.IsValid() || !pkt.Dst.IsValid() {
		t.Errorf("line %d: addresses %v %v", n, pkt.Src, pkt.Dst)
	}
	return true
}
