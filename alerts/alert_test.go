package alerts

import (
	"encoding/json"
	"net/netip"
	"testing"
)

func TestFromDetection(t *testing.T) {
	ds := detections(t, "198.51.100.7", 3, 100, t0)
	d := ds[len(ds)-1]
	a := FromDetection(d, "gw", "kmsg")
	checks := []struct {
		name string
		ok   bool
	}{
		{"src", a.Src == netip.MustParseAddr("198.51.100.7")},
		{"level", a.Level == d.Attacker.Level && a.Level >= 1},
		{"prev level", a.PrevLevel == d.PrevLevel},
		{"reasons", a.Reasons == d.Reasons.String() && a.Reasons != ""},
		{"host, collector", a.Host == "gw" && a.Collector == "kmsg"},
		{"counts", a.Packets == d.Attacker.Packets && a.DestinationCount == 100},
		{"destinations bounded", len(a.Destinations) == MaxDestinations},
		{"times", a.Time.Equal(d.Time) && a.FirstSeen.Equal(d.Attacker.FirstSeen) && a.LastSeen.Equal(d.Attacker.LastSeen)},
		{"trusted", a.Trusted && d.Attacker.Trusted},
		{"scans", len(a.Scans) > 0 && len(a.Scans) <= MaxScans},
		{"outcomes", a.Outcomes != nil && len(a.Outcomes) == 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, a)
		}
	}
	d.Attacker.Destinations[0] = netip.MustParseAddr("192.0.2.1")
	d.Attacker.Scans[0].Type = "changed"
	if a.Destinations[0] == d.Attacker.Destinations[0] || a.Scans[0].Type == "changed" {
		t.Error("alert shares lists with the detection")
	}
}

func TestAlertJSON(t *testing.T) {
	a := sample(t, "198.51.100.7", t0)
	a.Outcomes = []Outcome{{Action: "notify", Time: t0, OK: true}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "time", "host", "src", "level", "prev_level", "reasons", "packets",
		"first_seen", "last_seen", "destination_count", "destinations", "scans", "signatures",
		"os", "tool", "trusted", "collector", "outcomes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	var back Alert
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Src != a.Src || len(back.Scans) != len(a.Scans) || back.Scans[0] != a.Scans[0] || !back.Outcomes[0].OK {
		t.Errorf("round trip: %+v", back)
	}
}
