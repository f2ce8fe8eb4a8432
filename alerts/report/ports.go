package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// PortCount is one destination port of the top-ports list.
type PortCount struct {
	Proto string `json:"proto"`
	Port  int    `json:"port"`
	// Packets is an estimate: each scan record's packets shared evenly
	// among its distinct ports, summed over the records known to have hit
	// this port (see the package comment).
	Packets int `json:"packets"`
	// Attackers is how many attackers are known to have hit it.
	Attackers int `json:"attackers"`
}

// span is a run of ports a scan record certainly hit, with the packets
// each of them is credited.
type span struct {
	proto  string
	lo, hi int
	share  float64
}

// hasPorts reports whether proto's scan records count ports (not ICMP
// types or protocol numbers).
func hasPorts(proto string) bool {
	p, ok := sources.ProtoByName(proto)
	return ok && sources.HasPortsProto(p)
}

// knownSpans is what s says for sure: every port of its range when the
// range is as wide as its distinct ports (dense), else only both ends.
func knownSpans(s signatures.Scan) []span {
	if s.DistinctPorts <= 0 || !hasPorts(s.Proto) || s.MinPort > s.MaxPort {
		return nil
	}
	lo, hi := int(s.MinPort), int(s.MaxPort)
	share := float64(s.Packets) / float64(s.DistinctPorts)
	if hi-lo+1 <= s.DistinctPorts {
		return []span{{s.Proto, lo, hi, share}}
	}
	return []span{{s.Proto, lo, lo, share}, {s.Proto, hi, hi, share}}
}

// portAcc adds up one protocol's ports as difference arrays: a span costs
// two additions whatever its width.
type portAcc struct {
	packets   [1<<16 + 1]float64
	attackers [1<<16 + 1]int32
}

// portTally is the top-ports computation, by protocol name.
type portTally map[string]*portAcc

func (pt portTally) acc(proto string) *portAcc {
	a, ok := pt[proto]
	if !ok {
		a = &portAcc{}
		pt[proto] = a
	}
	return a
}

// addAttacker credits one attacker's scan records: packets per span,
// and the attacker once per port, however many records hit it.
func (pt portTally) addAttacker(scans []signatures.Scan) {
	var spans []span
	for _, s := range scans {
		spans = append(spans, knownSpans(s)...)
	}
	for _, sp := range spans {
		a := pt.acc(sp.proto)
		a.packets[sp.lo] += sp.share
		a.packets[sp.hi+1] -= sp.share
	}
	for _, sp := range mergeSpans(spans) {
		a := pt.acc(sp.proto)
		a.attackers[sp.lo]++
		a.attackers[sp.hi+1]--
	}
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

// top lists the n ports with the most packets (then attackers, protocol,
// port). A port hit gets at least one packet whatever its share.
func (pt portTally) top(n int) []PortCount {
	protos := make([]string, 0, len(pt))
	for p := range pt {
		protos = append(protos, p)
	}
	slices.Sort(protos)
	out := []PortCount{}
	for _, proto := range protos {
		a := pt[proto]
		var packets float64
		var attackers int32
		for port := range 1 << 16 {
			packets += a.packets[port]
			attackers += a.attackers[port]
			if attackers > 0 {
				p := max(1, int(math.Round(packets)))
				out = append(out, PortCount{Proto: proto, Port: port, Packets: p, Attackers: int(attackers)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b PortCount) int {
		return cmp.Or(cmp.Compare(b.Packets, a.Packets), cmp.Compare(b.Attackers, a.Attackers))
	})
	return out[:min(n, len(out))]
}

// topPorts is the top-ports list of the attackers.
func topPorts(ts []*tally, n int) []PortCount {
	pt := portTally{}
	for _, t := range ts {
		pt.addAttacker(t.scanList())
	}
	return pt.top(n)
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
