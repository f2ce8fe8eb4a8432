package signatures

import (
	"fmt"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// TestRetainExpired: with Retain, a scanner whose state expired long before
// the end of the log is still reported, once, merged with its later window.
func TestRetainExpired(t *testing.T) {
	scan := synScan(attacker, victim, 1, 20)
	quiet := syn(attacker2, victim, 80)
	tests := []struct {
		retain int
		want   bool
	}{{0, false}, {10, true}}
	for _, tt := range tests {
		e := newEngine(t, func(c *Config) { c.Retain = tt.retain })
		feed(e, scan)
		feed(e, repeat(at(quiet, 3*time.Hour), clockVotes)) // the clock moves on (clock.go)
		_, found := find(e, attacker)
		if found != tt.want {
			t.Errorf("retain %d: attacker reported %v, want %v", tt.retain, found, tt.want)
		}
	}
	e := newEngine(t, func(c *Config) { c.Retain = 10 })
	feed(e, scan)
	feed(e, []*sources.Packet{at(syn(attacker, victim, 7), 3*time.Hour)})
	n := 0
	for _, a := range e.Attackers(0) {
		if a.Src.String() == attacker {
			n++
			if a.Packets != 21 || a.Level < 2 {
				t.Errorf("merged attacker %+v", a)
			}
		}
	}
	if n != 1 {
		t.Errorf("attacker listed %d times", n)
	}
}

// TestRetainKeepsMostDangerous is the flood: more ended attackers than
// Retain, the dangerous one last. It is listed (the least dangerous give
// way) and what was given up is counted.
func TestRetainKeepsMostDangerous(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.Retain = 3 })
	for i := range 6 { // weak scanners first: level 1 each
		feed(e, synScan(fmt.Sprintf("192.0.2.%d", 10+i), victim, 1, 5))
	}
	late := 2 * time.Hour // the weak ones' windows have ended
	var strong []*sources.Packet
	for _, p := range synScan(attacker, victim, 1, 200) {
		strong = append(strong, at(p, late))
	}
	feed(e, strong)
	feed(e, repeat(at(syn(attacker2, victim, 80), 5*time.Hour), clockVotes)) // the clock moves on (clock.go)
	a, found := find(e, attacker)
	if !found || a.Level < 2 {
		t.Fatalf("the level-%d attacker after the flood is not listed (found %v)", a.Level, found)
	}
	if st := e.Stats(); st.NotRetained != 4 {
		t.Errorf("NotRetained %d; want 4 (7 ended, 3 kept)", st.NotRetained)
	}
}
