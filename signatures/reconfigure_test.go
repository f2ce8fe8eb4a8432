package signatures

import (
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// TestReconfigureKeepsState: new thresholds and signatures apply from the
// next packet; sources, levels and counts survive.
func TestReconfigureKeepsState(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan(attacker, victim, 1, 20))
	before := level(e, attacker)
	cfg := DefaultConfig()
	cfg.DangerLevels = [MaxLevel]int{2, 4, 6, 8, 10}
	set, err := rules.Parse(strings.NewReader(`id=9 level=5 name="x" proto=tcp flags=S dport=31337`+"\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Reconfigure(cfg, set); err != nil {
		t.Fatal(err)
	}
	if got := level(e, attacker); got != before {
		t.Fatalf("level changed by reconfigure alone: %d -> %d", before, got)
	}
	feed(e, []*sources.Packet{syn(attacker, victim, 21)})
	if got := level(e, attacker); got != 5 {
		t.Errorf("after one more packet with lower thresholds: level %d, want 5", got)
	}
	feed(e, []*sources.Packet{syn(attacker2, victim, 31337)})
	if got := level(e, attacker2); got != 5 {
		t.Errorf("new signature did not apply: level %d", got)
	}
	bad := DefaultConfig()
	bad.MaxSources = 0
	if err := e.Reconfigure(bad, nil); err == nil {
		t.Error("invalid config accepted")
	}
	small := DefaultConfig()
	small.MaxSources = 1
	if err := e.Reconfigure(small, nil); err != nil || e.Stats().Sources != 1 {
		t.Errorf("shrinking MaxSources: err %v, sources %d", err, e.Stats().Sources)
	}
}

// TestReconfigureFreesBitmaps: sources dropped by a smaller MaxSources give
// their port bitmaps back.
func TestReconfigureFreesBitmaps(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan(attacker, victim, 1, 300))
	feed(e, synScan(attacker2, victim, 1, 300))
	before := e.Stats().PortBitmaps
	small := DefaultConfig()
	small.MaxSources = 1
	if err := e.Reconfigure(small, nil); err != nil {
		t.Fatal(err)
	}
	if after := e.Stats().PortBitmaps; before == 0 || after >= before {
		t.Errorf("port bitmaps %d before, %d after dropping a source", before, after)
	}
}
