package signatures

import (
	"cmp"
	"slices"

	"github.com/ifw/ifw/sources"
)

// hotPorts is how many destination ports a source's sweep record counts
// packets for, per protocol.
const hotPorts = 16

// PortHit is a destination port an attacker hit, with its packets.
type PortHit struct {
	Proto   string `json:"proto"`
	Port    uint16 `json:"port"`
	Packets int    `json:"packets"`
	// AtLeast: the attacker hit more than 16 ports of the protocol, so
	// Packets is a lower bound (see portCounts).
	AtLeast bool `json:"at_least,omitempty"`
}

// portCounts counts the packets per destination port of one protocol of
// a source, in fixed room (no allocation): exactly while at most hotPorts
// distinct ports came; beyond, it keeps the most hit ones by Misra–Gries
// (a new port when the room is full takes one off every count, and the
// ports that reach zero leave). Then every count is a lower bound, short
// by at most the packets/(hotPorts+1), and any port that got more than
// that is listed. A port is listed only if it was hit.
type portCounts struct {
	n     uint8
	lossy bool // a count was taken off: the counts are lower bounds
	port  [hotPorts]uint16
	count [hotPorts]uint32
}

// add counts a packet to port v.
func (c *portCounts) add(v uint16) {
	n := int(c.n)
	if i := slices.Index(c.port[:n], v); i >= 0 {
		c.count[i]++
		return
	}
	if n < hotPorts {
		c.port[n], c.count[n] = v, 1
		c.n++
		return
	}
	c.lossy = true
	j := 0
	for i := range n {
		if c.count[i] > 1 {
			c.port[j], c.count[j] = c.port[i], c.count[i]-1
			j++
		}
	}
	c.n = uint8(j)
}

// portHits lists the ports s's sweep records counted, most packets first
// (then protocol, port); never nil.
func portHits(s *source) []PortHit {
	n := 0
	for i := range s.sweeps {
		n += int(s.sweeps[i].hot.n)
	}
	out := make([]PortHit, 0, n)
	for i := range s.sweeps {
		r := &s.sweeps[i]
		name := sources.ProtoName(r.proto)
		for j := range int(r.hot.n) {
			out = append(out, PortHit{Proto: name, Port: r.hot.port[j], Packets: int(r.hot.count[j]), AtLeast: r.hot.lossy})
		}
	}
	sortPortHits(out)
	return out
}

func sortPortHits(hs []PortHit) {
	slices.SortFunc(hs, func(a, b PortHit) int {
		return cmp.Or(cmp.Compare(b.Packets, a.Packets), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port))
	})
}

// mergePortHits adds up the ports of two scan windows of one attacker.
func mergePortHits(a, b []PortHit) []PortHit {
	out := slices.Clone(a)
	for _, h := range b {
		i := slices.IndexFunc(out, func(o PortHit) bool { return o.Proto == h.Proto && o.Port == h.Port })
		if i < 0 {
			out = append(out, h)
			continue
		}
		out[i].Packets += h.Packets
		out[i].AtLeast = out[i].AtLeast || h.AtLeast
	}
	sortPortHits(out)
	return out
}
