package signatures

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestGoldenMix pins the whole picture of the synthetic mix: any change in
// scoring, classes or report shape shows as a diff of testdata/mix.json.
func TestGoldenMix(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.MaxSources = 500; c.MaxReportItems = 8 })
	ds := feed(e, mix(5000, 3))
	out := struct {
		Attackers  []Attacker `json:"attackers"`
		Detections int        `json:"detections"`
		Stats      Stats      `json:"stats"`
	}{e.Attackers(1), len(ds), e.Stats()}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/mix.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff):\n%s", path, got)
	}
}
