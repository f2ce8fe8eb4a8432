package signatures

import "github.com/ifw/ifw/sources"

// Scan types, as they appear in Scan.Type.
const (
	ScanSYN      = "syn"       // SYN only (ECE/CWR allowed): half-open or connect scan
	ScanFIN      = "fin"       // FIN only
	ScanNull     = "null"      // no flag
	ScanXmas     = "xmas"      // FIN+PSH+URG
	ScanACK      = "ack"       // ACK with anything legal but FIN alone (ACK scan)
	ScanMaimon   = "maimon"    // FIN+ACK
	ScanRST      = "rst"       // RST or RST+ACK
	ScanBadFlags = "bad_flags" // illegal combination: SYN+FIN, SYN+RST, FIN+RST, PSH/URG without ACK…
	ScanUDP      = "udp"       // UDP and UDPLITE
	ScanSCTP     = "sctp"
	ScanICMP     = "icmp"     // ports are ICMP types
	ScanICMP6    = "icmp6"    // ports are ICMPv6 types
	ScanBadICMP  = "bad_icmp" // invalid ICMP/ICMPv6 type or code; ports are types
	ScanProto    = "proto"    // IP protocol scan; ports are protocol numbers
	ScanSweep    = "sweep"    // same port(s) across many destinations
)

// class is a scan type as a small integer (bit index in masks).
type class uint8

const (
	classSYN class = iota
	classFIN
	classNull
	classXmas
	classACK
	classMaimon
	classRST
	classBadFlags
	classUDP
	classSCTP
	classICMP
	classICMP6
	classBadICMP
	classProto
	classSweep
	numClasses
	classNone class = 255
)

var classNames = [numClasses]string{
	ScanSYN, ScanFIN, ScanNull, ScanXmas, ScanACK, ScanMaimon, ScanRST,
	ScanBadFlags, ScanUDP, ScanSCTP, ScanICMP, ScanICMP6, ScanBadICMP,
	ScanProto, ScanSweep,
}

func (c class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return ""
}

// gated classes are what expired connections leave behind: they count only
// once they reach Config.AckScanMinPorts distinct ports to one destination.
func (c class) gated() bool { return c == classACK || c == classMaimon || c == classRST }

const (
	fFIN = sources.FIN
	fSYN = sources.SYN
	fRST = sources.RST
	fPSH = sources.PSH
	fACK = sources.ACK
	fURG = sources.URG
)

// tcpClass classifies TCP flags; ECE and CWR are ignored.
func tcpClass(f sources.TCPFlags) class {
	f &= fFIN | fSYN | fRST | fPSH | fACK | fURG
	switch {
	case f == 0:
		return classNull
	case f == fSYN:
		return classSYN
	case f == fFIN:
		return classFIN
	case f == fFIN|fPSH|fURG:
		return classXmas
	case f == fFIN|fACK:
		return classMaimon
	case f&fSYN != 0 && f&(fFIN|fRST) != 0, f&fFIN != 0 && f&fRST != 0:
		return classBadFlags
	case f == fRST || f == fRST|fACK:
		return classRST
	case f&fACK == 0:
		return classBadFlags // PSH or URG without ACK, SYN+PSH/URG
	}
	return classACK // ACK with PSH/URG/FIN(+PSH/URG) or SYN+ACK
}

// packetClass is p's scan class and the value its scan record counts
// (destination port, ICMP type), or classNone.
func packetClass(p *sources.Packet) (class, uint16, bool) {
	if p.IsFragment() {
		return classNone, 0, false
	}
	port, hasPort := dstPort(p)
	switch p.Proto {
	case sources.ProtoTCP:
		if !p.Has(sources.HasTCP) {
			return classNone, 0, false
		}
		return tcpClass(p.TCPFlags), port, hasPort
	case sources.ProtoUDP, sources.ProtoUDPLite:
		return classUDP, port, hasPort
	case sources.ProtoSCTP:
		return classSCTP, port, hasPort
	case sources.ProtoICMP, sources.ProtoICMPv6:
		if !p.Has(sources.HasICMP) {
			return classNone, 0, false
		}
		if !validICMP(p.Proto, p.ICMPType, p.ICMPCode) {
			return classBadICMP, uint16(p.ICMPType), true
		}
		if p.Proto == sources.ProtoICMP {
			return classICMP, uint16(p.ICMPType), true
		}
		return classICMP6, uint16(p.ICMPType), true
	}
	return classNone, 0, false
}

// rangeProto reports whether proto's ports count in a pair's port range.
func rangeProto(proto uint8) bool {
	return proto == sources.ProtoTCP || proto == sources.ProtoUDP || proto == sources.ProtoUDPLite
}

// commonProto reports whether proto is one an ordinary host sends; other
// protocols to a destination hint at an IP protocol scan.
func commonProto(proto uint8) bool {
	return rangeProto(proto) || proto == sources.ProtoICMP || proto == sources.ProtoICMPv6
}

// scanRec is one scan class and protocol from a source to a destination.
type scanRec struct {
	class    class
	proto    uint8
	min, max uint16
	packets  uint32
	ports    portSet
}

func (r *scanRec) add(v uint16, hasV bool, bp *bitmapPool) (newV bool) {
	r.packets++
	if !hasV {
		return false
	}
	if r.ports.count() == 0 || v < r.min {
		r.min = v
	}
	if r.ports.count() == 0 || v > r.max {
		r.max = v
	}
	return r.ports.add(v, bp)
}
