package report

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Attacker is one source address over the period.
type Attacker struct {
	Src   netip.Addr `json:"src"`
	Level int        `json:"level"` // its highest alert level in the period
	// Packets is the packets of its scan windows that reached into the
	// period, each counted as far as the daemon saw it (its stored window,
	// else its latest alert's count); a window may have begun before the
	// period.
	Packets      int      `json:"packets"`
	Alerts       int      `json:"alerts"`       // alerts about it in the period
	Destinations int      `json:"destinations"` // the most any of its alerts counted
	Scans        []string `json:"scans"`        // scan classes, sorted
	// Ports are the port ranges its scans spanned, by protocol:
	// "tcp/1-1024,3306 udp/53". A range says where the ports were, not
	// that every port in it was probed.
	Ports      string    `json:"ports"`
	Signatures []string  `json:"signatures"` // names, sorted
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	OS         string    `json:"os"`
	Tool       string    `json:"tool"`
	// Untrusted: some alert about it rests on lines from a syslog file,
	// which any local user can write to; the source may be forged.
	Untrusted bool `json:"untrusted"`
}

// scanKey is one scan record of an attacker: alerts repeat the engine's
// picture, so the same record shows up in every alert, growing.
type scanKey struct {
	typ, proto string
	dst        netip.Addr
}

type sigKey struct {
	id   int
	name string
}

// tally gathers one attacker's alerts, in any order.
type tally struct {
	Attacker
	// windows are the packets of each scan window, by its first packet
	// (Unix nanoseconds): the largest count an alert or a stored window
	// gave. Packets is their sum.
	windows map[int64]int
	// ports are the largest count of each port of each window, from the
	// alerts' port lists; portsAtLeast the ports whose counts are lower
	// bounds (detailed tallies only).
	ports        map[portWin]int
	portsAtLeast map[portKey]bool
	osAt, toolAt time.Time
	scans        map[scanKey]signatures.Scan  // the largest of each record
	sigs         map[sigKey]signatures.SigHit // the largest of each hit
}

// newTally starts the tally of src; only a detailed one keeps the scans
// and signatures (the comparison with the previous period needs none).
func newTally(src netip.Addr, detailed bool) *tally {
	t := &tally{Attacker: Attacker{Src: src}, windows: map[int64]int{}}
	if detailed {
		t.scans, t.sigs = map[scanKey]signatures.Scan{}, map[sigKey]signatures.SigHit{}
	}
	return t
}

// add counts one alert about t.Src.
func (t *tally) add(a *alerts.Alert) {
	t.window(a.FirstSeen, a.Packets)
	t.Alerts++
	t.Level = max(t.Level, a.Level)
	t.Untrusted = t.Untrusted || !a.Trusted
	t.Destinations = max(t.Destinations, a.DestinationCount)
	if !a.FirstSeen.IsZero() && (t.FirstSeen.IsZero() || a.FirstSeen.Before(t.FirstSeen)) {
		t.FirstSeen = a.FirstSeen
	}
	if a.LastSeen.After(t.LastSeen) {
		t.LastSeen = a.LastSeen
	}
	if a.OS != "" && !a.Time.Before(t.osAt) {
		t.OS, t.osAt = a.OS, a.Time
	}
	if a.Tool != "" && !a.Time.Before(t.toolAt) {
		t.Tool, t.toolAt = a.Tool, a.Time
	}
	if t.scans != nil {
		t.addLists(a)
	}
}

// window counts packets in the scan window that began at first: the
// largest count given for it stands, and Packets follows.
func (t *tally) window(first time.Time, packets int) {
	k := windowKey(first)
	if old, ok := t.windows[k]; !ok || packets > old {
		t.windows[k] = packets
		t.Packets += packets - old
	}
}

// windowKey names the scan window that began at first.
func windowKey(first time.Time) int64 {
	if first.IsZero() {
		return 0
	}
	return first.UnixNano()
}

// addLists keeps the largest of each scan record, signature hit and
// port count.
func (t *tally) addLists(a *alerts.Alert) {
	t.addPorts(a)
	for _, s := range a.Scans {
		k := scanKey{s.Type, s.Proto, s.Dst}
		if old, ok := t.scans[k]; !ok || s.Packets > old.Packets {
			t.scans[k] = s
		}
	}
	for _, h := range a.Signatures {
		k := sigKey{h.ID, h.Name}
		if old, ok := t.sigs[k]; ok {
			h.Packets, h.Level = max(h.Packets, old.Packets), max(h.Level, old.Level)
		}
		t.sigs[k] = h
	}
}

// scanList is the attacker's scan records in a fixed order.
func (t *tally) scanList() []signatures.Scan {
	out := make([]signatures.Scan, 0, len(t.scans))
	for _, s := range t.scans {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b signatures.Scan) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Proto, b.Proto), a.Dst.Compare(b.Dst))
	})
	return out
}

// sigList is the attacker's signature hits by id, then name.
func (t *tally) sigList() []signatures.SigHit {
	out := make([]signatures.SigHit, 0, len(t.sigs))
	for _, h := range t.sigs {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b signatures.SigHit) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// finish fills the attacker's lists from what add gathered.
func (t *tally) finish() Attacker {
	a := t.Attacker
	scans := t.scanList()
	a.Scans = []string{}
	for _, s := range scans {
		if !slices.Contains(a.Scans, s.Type) {
			a.Scans = append(a.Scans, s.Type)
		}
	}
	slices.Sort(a.Scans)
	a.Ports = portRanges(scans)
	a.Signatures = []string{}
	for _, h := range t.sigList() {
		if !slices.Contains(a.Signatures, h.Name) {
			a.Signatures = append(a.Signatures, h.Name)
		}
	}
	slices.Sort(a.Signatures)
	return a
}

// tallies groups alerts by source, detailed or not (newTally), and counts
// the packets of the stored windows of those sources; the result is
// sorted by address so that every sum over it is made in the same order.
func tallies(as []alerts.Alert, windows []signatures.Window, detailed bool) []*tally {
	by := map[netip.Addr]*tally{}
	for i := range as {
		a := &as[i]
		t, ok := by[a.Src]
		if !ok {
			t = newTally(a.Src, detailed)
			by[a.Src] = t
		}
		t.add(a)
	}
	for _, w := range windows {
		if t, ok := by[w.Src]; ok {
			t.window(w.FirstSeen, w.Packets)
			if w.LastSeen.After(t.LastSeen) {
				t.LastSeen = w.LastSeen
			}
		}
	}
	out := make([]*tally, 0, len(by))
	for _, t := range by {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *tally) int { return a.Src.Compare(b.Src) })
	return out
}

// topAttackers are the n most dangerous: level, then packets (both
// descending), then address.
func topAttackers(ts []*tally, n int) []Attacker {
	order := slices.Clone(ts)
	slices.SortStableFunc(order, func(a, b *tally) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(b.Packets, a.Packets))
	})
	out := make([]Attacker, 0, min(n, len(order)))
	for _, t := range order[:min(n, len(order))] {
		out = append(out, t.finish())
	}
	return out
}
