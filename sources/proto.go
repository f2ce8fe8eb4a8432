package sources

import (
	"strconv"
	"strings"
)

var protoNames = map[uint8]string{
	ProtoICMP: "icmp", ProtoTCP: "tcp", ProtoUDP: "udp", ProtoGRE: "gre",
	ProtoESP: "esp", ProtoAH: "ah", ProtoICMPv6: "icmp6", ProtoSCTP: "sctp",
	ProtoUDPLite: "udplite",
}

// ProtoName is the lower-case name ifw uses for an IP protocol number, or
// the number itself when it has no name.
func ProtoName(p uint8) string {
	if n, ok := protoNames[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

// ProtoByName maps a protocol name (any case; icmpv6 and ipv6-icmp too) or a
// decimal number to its protocol number.
func ProtoByName(s string) (uint8, bool) {
	ls := strings.ToLower(s)
	switch ls {
	case "icmpv6", "ipv6-icmp":
		return ProtoICMPv6, true
	}
	for num, name := range protoNames {
		if name == ls {
			return num, true
		}
	}
	n, err := strconv.ParseUint(s, 10, 8)
	return uint8(n), err == nil
}

// HasPortsProto reports whether protocol p carries source and destination ports.
func HasPortsProto(p uint8) bool {
	return p == ProtoTCP || p == ProtoUDP || p == ProtoUDPLite || p == ProtoSCTP
}
