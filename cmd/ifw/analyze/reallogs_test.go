package analyze

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// realLogs finds ../shared/reallogs next to the repository (the directory
// holding go.mod). Outside CI the test skips when it is absent; under
// CI=true it fails.
func realLogs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
	logs := filepath.Join(dir, "..", "shared", "reallogs")
	if _, err := os.Stat(filepath.Join(logs, "expect.txt")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real log corpus missing under CI: %v", err)
		}
		t.Skipf("real log corpus not found (%v): it lives in ../shared/reallogs next to the repository", err)
	}
	return logs
}

// corpusFile is what expect.txt asks of ifw analyze for one file.
type corpusFile struct {
	name          string
	info          bool
	edited, nonIP int
	scans         map[string][]string // source: acceptable scan classes
}

func readCorpus(t *testing.T, dir string) []corpusFile {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "expect.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusFile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		keys, _, _ := strings.Cut(sc.Text(), " :: ")
		fields := strings.Fields(keys)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		c := corpusFile{name: fields[0], scans: map[string][]string{}}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "info":
				c.info = true
			case "edited":
				c.edited = countLines(t, v)
			case "nonip":
				c.nonIP = countLines(t, v)
			case "scan":
				src, classes, _ := strings.Cut(v, ":")
				c.scans[src] = strings.Split(classes, ",")
			}
		}
		out = append(out, c)
	}
	return out
}

// countLines counts the lines of "2,5,18-49".
func countLines(t *testing.T, v string) int {
	n := 0
	for _, part := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("expect.txt: bad line list %q", v)
		}
		n += b - a + 1
	}
	return n
}

var summaryCount = regexp.MustCompile(`(\d+) (malformed|non-IP)`)

// TestAnalyzeRealLogs analyzes every file of the real log
// corpus: no line is malformed but those the origins edited by hand, ARP
// lines are counted as non-IP, and the scans the origins' own tests expect
// are found (62.34.17.168 in CrowdSec's multi-port test, 205.205.205.205 in
// Wazuh's).
func TestAnalyzeRealLogs(t *testing.T) {
	dir := realLogs(t)
	scans := 0
	for _, c := range readCorpus(t, dir) {
		if c.info {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			a := analyzed(t, Options{}, filepath.Join(dir, c.name))
			out, errs := jsonLines(t, a), a.Summary()
			got := map[string]int{}
			for _, m := range summaryCount.FindAllStringSubmatch(errs, -1) {
				got[m[2]], _ = strconv.Atoi(m[1])
			}
			if got["malformed"] > c.edited || got["non-IP"] != c.nonIP {
				t.Errorf("malformed %d (edited lines %d), non-IP %d (want %d): %s", got["malformed"], c.edited, got["non-IP"], c.nonIP, errs)
			}
			for src, classes := range c.scans {
				scans++
				if !hasScan(t, out, src, classes) {
					t.Errorf("no scan %v at danger level 1 or more from %s:\n%s", classes, src, out)
				}
			}
		})
	}
	if scans != 2 {
		t.Errorf("%d expected scans checked, want 2", scans)
	}
}

// hasScan reports whether the JSON report lists src at level 1 or more
// with a scan of one of the classes.
func hasScan(t *testing.T, out, src string, classes []string) bool {
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var a struct {
			Src   string `json:"src"`
			Level int    `json:"danger_level"`
			Scans []struct {
				Type string `json:"type"`
			} `json:"scans"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if a.Src != src || a.Level < 1 {
			continue
		}
		for _, s := range a.Scans {
			for _, c := range classes {
				if s.Type == c {
					return true
				}
			}
		}
	}
	return false
}
