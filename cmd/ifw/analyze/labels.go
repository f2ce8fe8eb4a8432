package analyze

import (
	"fmt"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// portProtos are the protocols whose destination ports the report counts.
var portProtos = [...]string{"tcp", "udp", "udplite", "sctp"}

// portIndex is p's row in counts.ports, or -1.
func portIndex(p uint8) int {
	switch p {
	case sources.ProtoTCP:
		return 0
	case sources.ProtoUDP:
		return 1
	case sources.ProtoUDPLite:
		return 2
	case sources.ProtoSCTP:
		return 3
	}
	return -1
}

// scanLabel names a scan by protocol and class, the class left out where
// it only repeats the protocol: "tcp syn", "udplite", "sctp", "icmp6",
// "icmp bad_icmp", "ip proto", "tcp sweep".
func scanLabel(s signatures.Scan) string {
	switch {
	case s.Type == s.Proto,
		s.Type == signatures.ScanUDP && (s.Proto == "udp" || s.Proto == "udplite"):
		return s.Proto
	}
	return s.Proto + " " + s.Type
}

// scanRange shows what a scan's protocol has, with two spaces after it:
// ports for TCP, UDP, UDPLITE and SCTP (when the kernel logged them), types
// for ICMP and ICMPv6, protocols for an IP protocol scan; nothing for the
// others.
func scanRange(s signatures.Scan) string {
	if s.DistinctPorts == 0 {
		return ""
	}
	lo, hi := fmt.Sprint(s.MinPort), fmt.Sprint(s.MaxPort)
	var what string
	switch {
	case s.Type == signatures.ScanProto:
		what = "protocols"
		lo, hi = sources.ProtoName(uint8(s.MinPort)), sources.ProtoName(uint8(s.MaxPort))
	case s.Proto == "icmp" || s.Proto == "icmp6":
		what = "types"
	case s.Proto == "tcp" || s.Proto == "udp" || s.Proto == "udplite" || s.Proto == "sctp":
		what = "ports"
	default:
		return ""
	}
	if lo == hi {
		return fmt.Sprintf("%s %s  ", what[:len(what)-1], lo)
	}
	return fmt.Sprintf("%s %s-%s (%d distinct)  ", what, lo, hi, s.DistinctPorts)
}
