package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// renderers are the output formats, by golden file extension.
var renderers = []struct {
	ext    string
	render func(io.Writer, *Report) error
}{
	{"txt", Text}, {"md", Markdown}, {"json", JSON}, {"html", HTML},
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", path, got)
	}
}

func render(t testing.TB, r *Report, f func(io.Writer, *Report) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden renders the fixed store's day and an empty day in every
// format, and the report of a log as text and JSON; the same data gives
// the same bytes every time.
func TestGolden(t *testing.T) {
	full := fixtureReport(t)
	empty, err := Build(t.Context(), openStore(t), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	as, events := analyzed(t)
	fromLog, err := FromAnalysis(as, events, Options{Host: "laptop",
		Collectors: []CollectorHealth{{Name: "fw.log", Type: "log", Lines: 300, Packets: 260}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		r       *Report
		formats []string
	}{{"day", full, nil}, {"empty", empty, nil}, {"log", fromLog, []string{"txt", "json"}}} {
		for _, f := range renderers {
			if c.formats != nil && !slices.Contains(c.formats, f.ext) {
				continue
			}
			t.Run(c.name+"."+f.ext, func(t *testing.T) {
				golden(t, c.name+"."+f.ext, render(t, c.r, f.render))
			})
		}
	}
}
