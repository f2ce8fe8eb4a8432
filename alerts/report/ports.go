package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// PortCount is one destination port of the top-ports list.
type PortCount struct {
	Proto string `json:"proto"`
	Port  int    `json:"port"`
	// Packets is the packets the engine counted to the port, summed over
	// the attackers (see the package comment); AtLeast says some of them
	// are lower bounds.
	Packets int  `json:"packets"`
	AtLeast bool `json:"at_least,omitempty"`
	// Attackers is how many attackers are known to have hit it.
	Attackers int `json:"attackers"`
}

// portKey is a port of a protocol.
type portKey struct {
	proto string
	port  uint16
}

// portWin is a port of one of an attacker's scan windows.
type portWin struct {
	window int64
	portKey
}

// hasPorts reports whether proto's scan records count ports (not ICMP
// types or protocol numbers).
func hasPorts(proto string) bool {
	p, ok := sources.ProtoByName(proto)
	return ok && sources.HasPortsProto(p)
}

// addPorts keeps the largest count of each port of each scan window of
// an alert (a window's count only grows; a later alert may have dropped a
// port from its bounded list).
func (t *tally) addPorts(a *alerts.Alert) {
	if len(a.Ports) == 0 {
		return
	}
	if t.ports == nil {
		t.ports, t.portsAtLeast = map[portWin]int{}, map[portKey]bool{}
	}
	w := windowKey(a.FirstSeen)
	for _, h := range a.Ports {
		k := portWin{w, portKey{h.Proto, h.Port}}
		t.ports[k] = max(t.ports[k], h.Packets)
		if h.AtLeast {
			t.portsAtLeast[k.portKey] = true
		}
	}
}

// portTotals are the attacker's packets per port, its windows added up.
// An attacker whose alerts carry no port list (stored before ifw counted
// ports) has the ports of its dense scan records instead: a record that
// saw as many distinct ports as its range is wide, at most
// alerts.MaxPorts of them, hit every port of it; each gets an even share
// of the record's packets, a lower bound.
func (t *tally) portTotals() map[portKey]PortCount {
	out := map[portKey]PortCount{}
	for k, n := range t.ports {
		c := out[k.portKey]
		c.Packets += n
		c.AtLeast = c.AtLeast || t.portsAtLeast[k.portKey]
		out[k.portKey] = c
	}
	if t.ports != nil {
		return out
	}
	for _, s := range t.scanList() {
		lo, hi := int(s.MinPort), int(s.MaxPort)
		if s.DistinctPorts <= 0 || !hasPorts(s.Proto) || hi < lo || hi-lo+1 != s.DistinctPorts || s.DistinctPorts > alerts.MaxPorts {
			continue
		}
		share := s.Packets / s.DistinctPorts
		for p := lo; p <= hi; p++ {
			k := portKey{s.Proto, uint16(p)}
			c := out[k]
			c.Packets += max(share, 1)
			c.AtLeast = true
			out[k] = c
		}
	}
	return out
}

// topPorts lists the n ports with the most packets (then attackers,
// protocol, port) over the attackers.
func topPorts(ts []*tally, n int) []PortCount {
	by := map[portKey]*PortCount{}
	for _, t := range ts {
		for k, c := range t.portTotals() {
			p, ok := by[k]
			if !ok {
				p = &PortCount{Proto: k.proto, Port: int(k.port)}
				by[k] = p
			}
			p.Packets += c.Packets
			p.AtLeast = p.AtLeast || c.AtLeast
			p.Attackers++
		}
	}
	out := make([]PortCount, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b PortCount) int {
		return cmp.Or(cmp.Compare(b.Packets, a.Packets), cmp.Compare(b.Attackers, a.Attackers),
			cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port))
	})
	return out[:min(n, len(out))]
}

// span is a run of ports of a protocol.
type span struct {
	proto  string
	lo, hi int
}

// mergeSpans joins overlapping or adjacent spans of the same protocol.
func mergeSpans(spans []span) []span {
	spans = slices.Clone(spans)
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.proto, b.proto), cmp.Compare(a.lo, b.lo))
	})
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && out[n-1].proto == sp.proto && sp.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, sp.hi)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// portRanges writes the port ranges of scans, merged, by protocol:
// "tcp/22,80,1000-2000 udp/53"; "" without any.
func portRanges(scans []signatures.Scan) string {
	var spans []span
	for _, s := range scans {
		if s.DistinctPorts > 0 && hasPorts(s.Proto) {
			spans = append(spans, span{proto: s.Proto, lo: int(s.MinPort), hi: int(s.MaxPort)})
		}
	}
	merged := mergeSpans(spans)
	var b strings.Builder
	for i, sp := range merged {
		switch {
		case i == 0:
			b.WriteString(sp.proto + "/")
		case sp.proto != merged[i-1].proto:
			b.WriteString(" " + sp.proto + "/")
		default:
			b.WriteByte(',')
		}
		b.WriteString(portText(sp.lo, sp.hi))
	}
	return b.String()
}

func portText(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
}
