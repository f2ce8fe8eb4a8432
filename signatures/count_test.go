package signatures

import (
	"reflect"
	"testing"
)

// TestCountMatchesObserve: Count leaves the engine in the same state as
// Observe, only without detections.
func TestCountMatchesObserve(t *testing.T) {
	observed, counted := newEngine(t), newEngine(t)
	pkts := mix(3000, 7)
	feed(observed, pkts)
	for _, p := range pkts {
		counted.Count(p)
	}
	if a, b := observed.Attackers(0), counted.Attackers(0); !reflect.DeepEqual(a, b) {
		t.Errorf("Count gives different attackers from Observe")
	}
	if s := counted.Stats(); s.Detections != 0 || s.Packets != uint64(len(pkts)) {
		t.Errorf("stats %+v", s)
	}
}
