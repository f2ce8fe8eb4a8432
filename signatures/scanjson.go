package signatures

import (
	"encoding/json"
	"fmt"
	"net/netip"
)

// Scan is one kind of scan an attacker made: a scan class over one protocol
// to one destination, or a sweep over many (Dst invalid, Hosts set). For
// ICMP and ICMPv6 the "ports" are types; for "proto" scans, protocol numbers.
type Scan struct {
	Type          string
	Proto         string
	Dst           netip.Addr
	MinPort       uint16
	MaxPort       uint16
	DistinctPorts int
	Packets       int
	Hosts         int // sweeps: destinations the protocol went to
}

// Ports is "MIN-MAX", or "" when no port was seen.
func (s Scan) Ports() string {
	if s.DistinctPorts == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", s.MinPort, s.MaxPort)
}

type scanJSON struct {
	Type          string     `json:"type"`
	Proto         string     `json:"proto"`
	Dst           netip.Addr `json:"dst"`
	Ports         string     `json:"ports"`
	DistinctPorts int        `json:"distinct_ports"`
	Packets       int        `json:"packets"`
	Hosts         int        `json:"hosts,omitempty"`
}

// MarshalJSON writes {"type","proto","dst","ports":"MIN-MAX","distinct_ports","packets"},
// plus "hosts" for sweeps; a sweep's "dst" is "".
func (s Scan) MarshalJSON() ([]byte, error) {
	return json.Marshal(scanJSON{
		Type: s.Type, Proto: s.Proto, Dst: s.Dst, Ports: s.Ports(),
		DistinctPorts: s.DistinctPorts, Packets: s.Packets, Hosts: s.Hosts,
	})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Scan) UnmarshalJSON(b []byte) error {
	var j scanJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Scan{Type: j.Type, Proto: j.Proto, Dst: j.Dst, DistinctPorts: j.DistinctPorts, Packets: j.Packets, Hosts: j.Hosts}
	if j.Ports == "" {
		return nil
	}
	r, err := ParsePortRange(j.Ports)
	if err != nil {
		return fmt.Errorf("scan ports: %w", err)
	}
	s.MinPort, s.MaxPort = r.Lo, r.Hi
	return nil
}
