package signatures

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestAttackerJSON(t *testing.T) {
	e := newEngine(t)
	feed(e, cat(synScan(attacker, victim, 20, 10), sweepHosts(attacker, 22, 12)))
	a, _ := find(e, attacker)
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"src", "danger_level", "packets", "first_seen", "last_seen", "destinations", "scans", "signatures", "os", "tool"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	if !strings.Contains(string(b), `{"type":"syn","proto":"tcp","dst":"203.0.113.10","ports":"20-29","distinct_ports":10,"packets":11}`) {
		t.Errorf("scan JSON: %s", b)
	}
	if !strings.Contains(string(b), `{"type":"sweep","proto":"tcp","dst":"","ports":"20-29","distinct_ports":10,"packets":22,"hosts":12}`) {
		t.Errorf("sweep JSON: %s", b)
	}
	if len(a.Scans) != 2 {
		t.Errorf("pairs without a level listed while sweeping: %+v", a.Scans)
	}
	var back Attacker
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Scans, a.Scans) {
		t.Errorf("scans round trip:\n%+v\n%+v", back.Scans, a.Scans)
	}
	d := Detection{Reasons: ReasonLevel | ReasonDestination}
	if b, _ := json.Marshal(d); !strings.Contains(string(b), `"reasons":"level,destination"`) {
		t.Errorf("detection JSON: %s", b)
	}
}
