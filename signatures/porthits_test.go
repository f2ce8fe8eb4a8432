package signatures

import (
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// TestPortCounts: exact while at most hotPorts ports came; beyond, only
// ports that were hit, each count at most its true one and short by at
// most packets/(hotPorts+1), the heavy ports always kept.
func TestPortCounts(t *testing.T) {
	var c portCounts
	truth := map[uint16]int{}
	add := func(port uint16, n int) {
		for range n {
			c.add(port)
			truth[port]++
		}
	}
	for p := range uint16(hotPorts) {
		add(1000+p, int(p)+1)
	}
	if c.lossy || int(c.n) != hotPorts {
		t.Fatalf("%d ports, lossy %v", c.n, c.lossy)
	}
	for i := range int(c.n) {
		if int(c.count[i]) != truth[c.port[i]] {
			t.Errorf("port %d: %d, want %d", c.port[i], c.count[i], truth[c.port[i]])
		}
	}
	total := 0
	for p := range 1000 { // a wide scan, one packet a port, and port 22 hammered throughout
		add(uint16(2000+p), 1)
		if p%4 == 0 {
			add(22, 1)
		}
	}
	for _, n := range truth {
		total += n
	}
	slack := total / (hotPorts + 1)
	found := false
	for i := range int(c.n) {
		p, n := c.port[i], int(c.count[i])
		if n > truth[p] || n < truth[p]-slack || truth[p] == 0 {
			t.Errorf("port %d: %d, true %d (slack %d)", p, n, truth[p], slack)
		}
		found = found || p == 22
	}
	if !c.lossy || !found {
		t.Errorf("lossy %v, port 22 kept %v: %v %v", c.lossy, found, c.port[:c.n], c.count[:c.n])
	}
}

// TestAttackerPorts: an attacker's ports and their packets, per protocol,
// most first; ICMP types are not ports; a second scan window adds up when
// windows are merged.
func TestAttackerPorts(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.Retain = 10 })
	pkts := cat(repeat(syn(attacker, victim, 22), 50), repeat(at(syn(attacker, victim, 80), time.Second), 10),
		repeat(at(udp(attacker, victim, 53), 2*time.Second), 3), synScan(attacker, victim, 1000, 8),
		repeat(at(icmp(attacker, victim, 8, 0), 3*time.Second), 5))
	feed(e, pkts)
	a, _ := find(e, attacker)
	want := []PortHit{{"tcp", 22, 50, false}, {"tcp", 80, 10, false}, {"udp", 53, 3, false}}
	for p := range uint16(8) {
		want = append(want, PortHit{"tcp", 1000 + p, 1, false})
	}
	if !reflect.DeepEqual(a.Ports, want) {
		t.Errorf("ports %+v\nwant  %+v", a.Ports, want)
	}
	feed(e, []*sources.Packet{at(syn(attacker, victim, 22), 3*time.Hour)}) // the window ended: a new one
	feed(e, repeat(at(syn(attacker, victim, 22), 3*time.Hour+time.Second), 20))
	a, _ = find(e, attacker)
	if len(a.Ports) == 0 || a.Ports[0] != (PortHit{"tcp", 22, 71, false}) {
		t.Errorf("merged windows: ports %+v", a.Ports)
	}
}

// TestRestoreVersion1: a state written before ports were counted (format
// version 1) restores: the same attackers, without ports until new
// packets come.
func TestRestoreVersion1(t *testing.T) {
	src := newEngine(t, func(c *Config) { c.Retain = 100 })
	pkts := trustedMix(3000, 5)
	feed(src, pkts)
	dst := newEngine(t, func(c *Config) { c.Retain = 100 })
	if err := dst.RestoreState(src.marshal(1)); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, dst)
	want, got := src.Attackers(0), dst.Attackers(0)
	for i := range want {
		want[i].Ports = []PortHit{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attackers differ after a version 1 state")
	}
	later := pkts[len(pkts)-1].Time.Sub(t0)
	feed(dst, repeat(at(syn(attacker, victim, 22), later), 3))
	if a, _ := find(dst, attacker); len(a.Ports) == 0 {
		t.Errorf("no port counted after the restore: %+v", a.Ports)
	}
}
