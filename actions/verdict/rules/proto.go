package rules

import (
	"fmt"
	"strings"

	"github.com/ifw/ifw/sources"
)

// IP protocol numbers a rule may name (those of package sources); 0 means
// any protocol.
const (
	ProtoAny     uint8 = 0
	ProtoICMP          = sources.ProtoICMP
	ProtoTCP           = sources.ProtoTCP
	ProtoUDP           = sources.ProtoUDP
	ProtoICMPv6        = sources.ProtoICMPv6
	ProtoSCTP          = sources.ProtoSCTP
	ProtoUDPLite       = sources.ProtoUDPLite
)

// ProtoName is the name of an IP protocol number: "any" for 0, "icmpv6"
// for 58, else sources.ProtoName ("tcp", "udp", …, or the decimal number).
func ProtoName(p uint8) string {
	switch p {
	case ProtoAny:
		return "any"
	case ProtoICMPv6:
		return "icmpv6"
	}
	return sources.ProtoName(p)
}

// ParseProto reads a protocol name (any case; "icmp6" and "ipv6-icmp" are
// icmpv6) or a number 0-255. "any" and 0 mean any protocol.
func ParseProto(s string) (uint8, error) {
	if strings.EqualFold(s, "any") {
		return ProtoAny, nil
	}
	p, ok := sources.ProtoByName(s)
	if !ok {
		return 0, fmt.Errorf("bad protocol %q: want tcp, udp, icmp, icmpv6, udplite, sctp, any or a number 0-255", s)
	}
	return p, nil
}

// hasPorts reports whether connections of protocol p have ports.
func hasPorts(p uint8) bool { return sources.HasPortsProto(p) }
