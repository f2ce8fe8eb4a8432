package signatures

import (
	"encoding/json"
	"flag"
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
	goldenFile(t, "testdata/mix.json", append(got, '\n'))
}
