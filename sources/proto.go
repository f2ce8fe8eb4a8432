package sources

import (
	"strconv"
	"strings"
)

// protoNames are the names ifw prints; beyond the protocols it decodes,
// those an IP protocol scan (nmap -sO) and routers' own traffic show most,
// as /etc/protocols spells them.
var protoNames = map[uint8]string{
	ProtoICMP: "icmp", ProtoTCP: "tcp", ProtoUDP: "udp", ProtoGRE: "gre",
	ProtoESP: "esp", ProtoAH: "ah", ProtoICMPv6: "icmp6", ProtoSCTP: "sctp",
	ProtoUDPLite: "udplite",
	2:            "igmp", 3: "ggp", 4: "ipencap", 8: "egp", 9: "igp", 12: "pup", 27: "rdp", 33: "dccp",
	41: "ipv6", 46: "rsvp", 88: "eigrp", 89: "ospf", 94: "ipip", 97: "etherip", 98: "encap",
	103: "pim", 108: "ipcomp", 112: "vrrp", 115: "l2tp", 124: "isis", 137: "mpls-in-ip",
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
