package daemon

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

// TestRecoveredMerge: a recovered attacker is listed when the engine does
// not list it and its window is open, in the engine's order.
func TestRecoveredMerge(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	at := func(src string, level int, last time.Time) signatures.Attacker {
		return signatures.Attacker{Src: netip.MustParseAddr(src), Level: level, LastSeen: last}
	}
	rec := func(host, src string, level int, last time.Time) recoveredAttacker {
		return recoveredAttacker{host: host, Attacker: at(src, level, last)}
	}
	r := &recovered{timeout: time.Hour, list: []recoveredAttacker{
		rec("h", "198.51.100.1", 3, now.Add(-time.Minute)),     // missing from the engine: listed
		rec("h", "198.51.100.2", 5, now.Add(-time.Minute)),     // the engine has it: its picture stays
		rec("h", "198.51.100.3", 4, now.Add(-2*time.Hour)),     // window over
		rec("h", "198.51.100.4", 1, now.Add(-time.Second)),     // below the level asked
		rec("other", "198.51.100.5", 4, now.Add(-time.Second)), // another sensor's
	}}
	engine := []signatures.Attacker{at("198.51.100.2", 2, now), at("198.51.100.9", 2, now)}
	got := r.merge("h", engine, 2, now)
	var srcs []string
	for _, a := range got {
		srcs = append(srcs, a.Src.String())
	}
	if len(got) != 3 || srcs[0] != "198.51.100.1" || got[1].Level != 2 {
		t.Errorf("merged %v", got)
	}
	if other := r.merge("other", nil, 1, now); len(other) != 1 || other[0].Src.String() != "198.51.100.5" {
		t.Errorf("the other sensor's recovered attackers: %v", other)
	}
	if (*recovered)(nil).merge("h", engine, 1, now) == nil {
		t.Error("nil recovered lost the engine's list")
	}
}
