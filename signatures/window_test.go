package signatures

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// TestWindows: the windows of the attackers seen lately, with every packet
// counted so far (more than their latest detection said), most recently
// seen first; sources below level 1 and those seen long ago are left out.
func TestWindows(t *testing.T) {
	e := newEngine(t)
	ds := feed(e, synScan(attacker, victim, 1, 100))
	last := ds[len(ds)-1].Attacker.Packets
	feed(e, []*sources.Packet{at(syn("192.0.2.9", victim, 22), 10*time.Minute)}) // one packet: level 0
	feed(e, repeat(at(syn(attacker, victim, 80), 20*time.Minute), 30))           // nothing new: no detection
	feed(e, []*sources.Packet{at(syn(attacker2, victim, 1), -time.Hour)})        // older than the latest
	feed(e, at2(synScan(attacker2, victim, 1, 50), 21*time.Minute))

	ws := e.Windows(5 * time.Minute)
	if len(ws) != 2 || ws[0].Src.String() != attacker2 || ws[1].Src.String() != attacker {
		t.Fatalf("windows %+v", ws)
	}
	w := ws[1]
	if w.Packets != 130 || last >= w.Packets || !w.FirstSeen.Equal(t0) || !w.LastSeen.Equal(t0.Add(20*time.Minute+29*time.Millisecond)) || w.Level < 2 {
		t.Errorf("attacker window %+v (latest detection: %d packets)", w, last)
	}
	if ws := e.Windows(time.Minute); len(ws) != 1 {
		t.Errorf("within a minute: %+v", ws)
	}
}

// at2 moves every packet of pkts by d.
func at2(pkts []*sources.Packet, d time.Duration) []*sources.Packet {
	for _, p := range pkts {
		p.Time = p.Time.Add(d)
	}
	return pkts
}
