package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// IP protocol numbers a rule may name; 0 means any protocol.
const (
	ProtoAny     uint8 = 0
	ProtoICMP    uint8 = 1
	ProtoTCP     uint8 = 6
	ProtoUDP     uint8 = 17
	ProtoICMPv6  uint8 = 58
	ProtoSCTP    uint8 = 132
	ProtoUDPLite uint8 = 136
)

// ProtoName is the name of an IP protocol number: "any" for 0, "tcp",
// "udp", "icmp", "icmpv6", "udplite", "sctp", else the decimal number.
func ProtoName(p uint8) string {
	switch p {
	case ProtoAny:
		return "any"
	case ProtoICMP:
		return "icmp"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMPv6:
		return "icmpv6"
	case ProtoSCTP:
		return "sctp"
	case ProtoUDPLite:
		return "udplite"
	}
	return strconv.Itoa(int(p))
}

// ParseProto reads a protocol name (any case; "icmp6" and "ipv6-icmp" are
// icmpv6) or a number 0-255. "any" and 0 mean any protocol.
func ParseProto(s string) (uint8, error) {
	switch strings.ToLower(s) {
	case "any":
		return ProtoAny, nil
	case "icmp":
		return ProtoICMP, nil
	case "tcp":
		return ProtoTCP, nil
	case "udp":
		return ProtoUDP, nil
	case "icmpv6", "icmp6", "ipv6-icmp":
		return ProtoICMPv6, nil
	case "sctp":
		return ProtoSCTP, nil
	case "udplite":
		return ProtoUDPLite, nil
	}
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return 0, fmt.Errorf("bad protocol %q: want tcp, udp, icmp, icmpv6, udplite, sctp, any or a number 0-255", s)
	}
	return uint8(n), nil
}

// hasPorts reports whether connections of protocol p have ports.
func hasPorts(p uint8) bool {
	return p == ProtoTCP || p == ProtoUDP || p == ProtoUDPLite || p == ProtoSCTP
}
