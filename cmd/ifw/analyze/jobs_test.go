package analyze

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// printed is everything an analysis prints but the time it took.
func printed(t *testing.T, a *Analysis) string {
	t.Helper()
	sum := a.Summary()
	sum = sum[:strings.LastIndex(sum, "; ")] // the time and rate
	return fmt.Sprintf("%s\n%s\n%+v\n%s", text(t, a, 10), jsonLines(t, a), a.Files(), sum)
}

// sharded reads files with jobs engines and workers, in chunks of size
// bytes.
func sharded(t *testing.T, o Options, jobs, size int, files ...string) *Analysis {
	t.Helper()
	o.Jobs = jobs
	a, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	a.chunkSize = size
	if err := a.Read(files...); err != nil {
		t.Fatal(err)
	}
	return a
}

// jobsInputs are the logs --jobs is checked on: the analyzer's and the
// parser's test files, and one of the edge cases of reading.
func jobsInputs(t *testing.T) []string {
	files, err := filepath.Glob("../../../sources/logline/testdata/captures/*.log")
	if err != nil || len(files) == 0 {
		t.Fatalf("captures: %v", err)
	}
	files = append(files, "testdata/protocols.log")
	dir := t.TempDir()
	line := "Nov 21 10:00:%02d fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.%d DST=203.0.113.5 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=%d WINDOW=1 RES=0x00 SYN URGP=0\n"
	var b bytes.Buffer
	for i := range 3000 {
		switch i % 500 {
		case 7:
			b.WriteString(strings.Repeat("x", 70<<10) + "\n") // over MaxLineLen
		case 9:
			b.WriteString("Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.300 DST=203.0.113.5 PROTO=TCP\n")
		case 11:
			b.WriteString("Nov 21 10:00:00 fw kernel: some other message\n")
		}
		fmt.Fprintf(&b, line, i%60, i%7, i%1000+1)
	}
	b.WriteString(strings.Repeat("y", 200<<10)) // overlong, no final newline
	edges := filepath.Join(dir, "edges.log")
	export := filepath.Join(dir, "export.log")
	gz := filepath.Join(dir, "edges.log.gz")
	var e bytes.Buffer
	for i := range 400 {
		fmt.Fprintf(&e, "__CURSOR=s=%d\n__REALTIME_TIMESTAMP=%d\n_HOSTNAME=fw%d\nPRIORITY=4\n", i, 1763719200000000+int64(i)*1000000, i%3)
		fmt.Fprintf(&e, "MESSAGE=[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.%d DST=203.0.113.5 LEN=40 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=%d WINDOW=1 RES=0x00 SYN URGP=0\n\n", i%5, i+1)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	for name, data := range map[string][]byte{edges: b.Bytes(), export: e.Bytes(), gz: z.Bytes()} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return append(files, edges, export, gz)
}

// TestJobsSameReport: --jobs N prints what --jobs 1 prints, byte for byte
// (attackers, levels, scans, signatures, order, counts, the first
// malformed line), for every test log alone and all of them in one run,
// at every level, whatever the chunks' size.
func TestJobsSameReport(t *testing.T) {
	files := jobsInputs(t)
	type run struct {
		in         []string
		min        int
		jobs, size []int
	}
	runs := []run{
		{files, 0, []int{2, 5}, []int{4 << 10, chunkSize}},
		{files, 1, []int{2, 5}, []int{4 << 10, chunkSize}},
	}
	for _, f := range files {
		runs = append(runs, run{[]string{f}, 0, []int{3}, []int{4 << 10}})
	}
	for _, r := range runs {
		o := Options{MinLevel: r.min}
		want := printed(t, analyzed(t, o, r.in...))
		for _, jobs := range r.jobs {
			for _, size := range r.size {
				if got := printed(t, sharded(t, o, jobs, size, r.in...)); got != want {
					t.Errorf("%v, min level %d, %d jobs, %d-byte chunks: differs from one job\n%s\nwant\n%s", r.in, r.min, jobs, size, got, want)
				}
			}
		}
	}
}
