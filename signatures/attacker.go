package signatures

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/ifw/ifw/sources"
)

// Attacker is a snapshot of one source's state. It shares nothing with the
// engine.
type Attacker struct {
	Src       netip.Addr `json:"src"`
	Level     int        `json:"danger_level"`
	Packets   int        `json:"packets"`
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`
	// DestinationCount is the number of destinations that count (ACK/RST
	// strays below the ack-scan threshold do not); Destinations and
	// Targets list at most Config.MaxReportItems of them, highest level first.
	DestinationCount int          `json:"destination_count"`
	Destinations     []netip.Addr `json:"destinations"`
	Targets          []Target     `json:"targets"`
	Scans            []Scan       `json:"scans"`
	// Ports are the destination ports it hit with their packets, most
	// first: per protocol with ports, every port while it hit at most 16,
	// else its most hit ones (PortHit.AtLeast).
	Ports      []PortHit `json:"ports"`
	Signatures []SigHit  `json:"signatures"`
	OS         string    `json:"os"`
	Tool       string    `json:"tool"`
	// AutoDL is the level an auto_dl entry pinned the source to (0: none).
	AutoDL int `json:"auto_dl,omitempty"`
	// Trusted is true when every packet counted for the attacker came over
	// a transport only the kernel can write (kmsg, NFLOG, the journal's
	// kernel transport); one packet from a syslog file makes it false.
	Trusted bool `json:"trusted"`
}

// Target is one destination of an attacker with its own danger level.
type Target struct {
	Dst     netip.Addr `json:"dst"`
	Level   int        `json:"danger_level"`
	Packets int        `json:"packets"`
}

// SigHit is a signature an attacker matched.
type SigHit struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Level   int    `json:"level"`
	Packets int    `json:"packets"`
}

// snapshot copies s into an Attacker; c.MaxReportItems bounds its lists.
func snapshot(s *source, c *Config) Attacker {
	max := c.MaxReportItems
	a := Attacker{
		Src: s.addr, Level: int(s.level), Packets: int(s.packets),
		FirstSeen: unixTime(s.first), LastSeen: unixTime(s.last),
		DestinationCount: s.dsts, OS: s.os, Tool: s.tool, AutoDL: int(s.pinned),
		Trusted:    !s.untrusted,
		Signatures: append([]SigHit{}, s.sigs...),
	}
	order := scoringPairs(s)
	if len(order) > max {
		order = order[:max]
	}
	a.Destinations = make([]netip.Addr, len(order))
	a.Targets = make([]Target, len(order))
	for i, pr := range order {
		a.Destinations[i] = pr.dst
		a.Targets[i] = Target{Dst: pr.dst, Level: int(pr.level), Packets: int(pr.scored)}
	}
	a.Scans = scans(s, order, c)
	a.Ports = portHits(s)
	return a
}

// scoringPairs returns the source's scoring pairs by level, packets, address.
func scoringPairs(s *source) []*pair {
	order := make([]*pair, 0, s.dsts)
	for i := range s.pairs {
		if s.pairs[i].scoring {
			order = append(order, &s.pairs[i])
		}
	}
	slices.SortFunc(order, func(a, b *pair) int {
		if c := cmp.Compare(b.level, a.level); c != 0 {
			return c
		}
		if c := cmp.Compare(b.scored, a.scored); c != 0 {
			return c
		}
		return a.dst.Compare(b.dst)
	})
	return order
}

// scans lists sweeps, then the visible scan records of each pair; while the
// source sweeps, only of the pairs with a level of their own (the sweep
// entries sum up the others).
func scans(s *source, order []*pair, c *Config) []Scan {
	max := c.MaxReportItems
	out := []Scan{}
	for i := range s.sweeps {
		if r := &s.sweeps[i]; s.reportedSweep(r) {
			out = append(out, Scan{
				Type: ScanSweep, Proto: sources.ProtoName(r.proto), MinPort: r.min, MaxPort: r.max,
				DistinctPorts: r.ports.count(), Packets: int(r.packets), Hosts: int(r.hosts),
			})
		}
	}
	for _, pr := range order {
		if len(out) >= max || s.sweepLevel > 0 && pr.level == 0 {
			break // order has the pairs with a level first
		}
		out = append(out, pairScans(pr, c)...)
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

func pairScans(pr *pair, c *Config) []Scan {
	out := make([]Scan, 0, len(pr.recs)+1)
	for i := range pr.recs {
		r := &pr.recs[i]
		if !pr.visible(r) {
			continue
		}
		out = append(out, Scan{
			Type: r.class.String(), Proto: sources.ProtoName(r.proto), Dst: pr.dst,
			MinPort: r.min, MaxPort: r.max, DistinctPorts: r.ports.count(), Packets: int(r.packets),
		})
	}
	slices.SortStableFunc(out, func(a, b Scan) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Proto, b.Proto))
	})
	if pr.protoScan(c) {
		out = append(out, Scan{
			Type: ScanProto, Proto: "ip", Dst: pr.dst, MinPort: uint16(pr.protos.min()),
			MaxPort: uint16(pr.protos.max()), DistinctPorts: int(pr.nprotos), Packets: int(pr.packets),
		})
	}
	return out
}

// sortAttackers orders by level, then packets (both descending), then address.
func sortAttackers(as []Attacker) {
	slices.SortFunc(as, func(a, b Attacker) int {
		if c := cmp.Compare(b.Level, a.Level); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Packets, a.Packets); c != 0 {
			return c
		}
		return a.Src.Compare(b.Src)
	})
}

func unixTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }
