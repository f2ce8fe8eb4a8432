package rules

import (
	"encoding/binary"
	"strconv"

	"github.com/ifw/ifw/sources"
)

// field names a numeric packet header value a rule can test.
type field uint8

const (
	fProto field = iota
	fFamily
	fSport
	fDport
	fTTL
	fTOS
	fIPID
	fLen
	fDsize
	fFragOff
	fFragEnd
	fWindow
	fSeq
	fAck
	fUDPLen
	fIType
	fICode
	fICMPID
	fICMPSeq
	numFields
)

// Fields the prefilter reads that no rule keyword names: the IPv4 source
// and destination addresses (prefilter.setAddrQuick).
const (
	fSrc4 field = numFields + iota
	fDst4
)

// fieldInfo describes a field: its ifw keyword, largest value, the packet
// fields it needs, the protocols that carry it (nil: every protocol) and an
// optional lookup of symbolic values.
type fieldInfo struct {
	name   string
	max    uint32
	need   sources.Field
	protos []uint8
	names  func(string) (uint32, bool)
	show   func(uint32) string
}

var (
	portProtos = []uint8{sources.ProtoTCP, sources.ProtoUDP, sources.ProtoUDPLite, sources.ProtoSCTP}
	tcpProtos  = []uint8{sources.ProtoTCP}
	udpProtos  = []uint8{sources.ProtoUDP, sources.ProtoUDPLite}
	icmpProtos = []uint8{sources.ProtoICMP, sources.ProtoICMPv6}
)

// fieldInfos is indexed by field.
var fieldInfos = [numFields]fieldInfo{
	fProto:   {name: "proto", max: 255, names: protoNumber, show: protoString},
	fFamily:  {name: "family", max: 6, names: familyNumber},
	fSport:   {name: "sport", max: 65535, need: sources.HasPorts, protos: portProtos},
	fDport:   {name: "dport", max: 65535, need: sources.HasPorts, protos: portProtos},
	fTTL:     {name: "ttl", max: 255},
	fTOS:     {name: "tos", max: 255},
	fIPID:    {name: "ipid", max: 65535},
	fLen:     {name: "len", max: 1<<32 - 1},
	fDsize:   {name: "dsize", max: 1<<32 - 1},
	fFragOff: {name: "fragoff", max: 65535},
	fFragEnd: {name: "fragend", max: 1<<32 - 1},
	fWindow:  {name: "window", max: 65535, need: sources.HasTCP, protos: tcpProtos},
	fSeq:     {name: "seq", max: 1<<32 - 1, need: sources.HasSeq, protos: tcpProtos},
	fAck:     {name: "ack", max: 1<<32 - 1, need: sources.HasSeq, protos: tcpProtos},
	fUDPLen:  {name: "udplen", max: 65535, need: sources.HasUDPLen, protos: udpProtos},
	fIType:   {name: "itype", max: 255, need: sources.HasICMP, protos: icmpProtos},
	fICode:   {name: "icode", max: 255, need: sources.HasICMP, protos: icmpProtos},
	fICMPID:  {name: "icmpid", max: 65535, need: sources.HasICMPEcho, protos: icmpProtos},
	fICMPSeq: {name: "icmpseq", max: 65535, need: sources.HasICMPEcho, protos: icmpProtos},
}

// fieldByName maps an ifw keyword to its field.
func fieldByName(name string) (field, bool) {
	for f := range fieldInfos {
		if fieldInfos[f].name == name {
			return field(f), true
		}
	}
	return 0, false
}

func protoNumber(s string) (uint32, bool) {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return 0, false // numbers are parsed, and range-checked, by the caller
	}
	p, ok := sources.ProtoByName(s)
	return uint32(p), ok
}

func protoString(v uint32) string { return sources.ProtoName(uint8(v)) }

func familyNumber(s string) (uint32, bool) {
	switch s {
	case "ipv4", "inet", "ip4":
		return 4, true
	case "ipv6", "inet6", "ip6":
		return 6, true
	}
	return 0, false
}

// format renders a value of the field, by name when it has names.
func (fi *fieldInfo) format(v uint32) string {
	if fi.show != nil {
		return fi.show(v)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// allows reports whether f applies to protocol p.
func (fi *fieldInfo) allows(p uint8) bool {
	if fi.protos == nil {
		return true
	}
	for _, q := range fi.protos {
		if q == p {
			return true
		}
	}
	return false
}

// fieldValue is the value of f in p, with source and destination swapped
// when swap is set. ok is false when p does not carry it.
func fieldValue(p *sources.Packet, f field, swap bool) (v uint32, ok bool) {
	switch f {
	case fProto:
		return uint32(p.Proto), true
	case fFamily:
		return uint32(p.Version), true
	case fSport, fDport:
		if (f == fDport) != swap {
			return uint32(p.DstPort), true
		}
		return uint32(p.SrcPort), true
	case fTTL:
		return uint32(p.TTL), true
	case fTOS:
		return uint32(p.TOS | p.Prec), true
	case fIPID:
		return uint32(p.ID), true
	case fLen:
		return p.Len, p.Len != 0
	case fDsize:
		return payloadLen(p)
	case fFragOff:
		return uint32(p.FragOff), true
	case fFragEnd:
		return fragEnd(p)
	case fSrc4, fDst4:
		a := p.Src
		if (f == fDst4) != swap {
			a = p.Dst
		}
		if !a.Is4() {
			return 0, false
		}
		b := a.As4()
		return binary.BigEndian.Uint32(b[:]), true
	}
	return transportValue(p, f)
}

// transportValue is fieldValue for the transport header fields.
func transportValue(p *sources.Packet, f field) (uint32, bool) {
	switch f {
	case fWindow:
		return uint32(p.Window), true
	case fSeq:
		return p.Seq, true
	case fAck:
		return p.Ack, true
	case fUDPLen:
		return uint32(p.UDPLen), true
	case fIType:
		return uint32(p.ICMPType), true
	case fICode:
		return uint32(p.ICMPCode), true
	case fICMPID:
		return uint32(p.ICMPID), true
	case fICMPSeq:
		return uint32(p.ICMPSeq), true
	}
	return 0, false
}

// ipHeaderLen is the IP header length: 20 bytes plus the logged options for
// IPv4, 40 for IPv6 (extension headers are not logged).
func ipHeaderLen(p *sources.Packet) int {
	if p.Version == 6 {
		return 40
	}
	return 20 + p.IPOptions.Len()
}

// l4HeaderLen is the transport header length; TCP options count only when
// they were logged (--log-tcp-options).
func l4HeaderLen(p *sources.Packet) int {
	if p.IsFragment() {
		return 0
	}
	switch p.Proto {
	case sources.ProtoTCP:
		return 20 + p.TCPOptions.Len()
	case sources.ProtoUDP, sources.ProtoUDPLite, sources.ProtoICMP, sources.ProtoICMPv6:
		return 8
	case sources.ProtoSCTP:
		return 12
	}
	return 0
}

// payloadLen is the application payload size (snort's dsize).
func payloadLen(p *sources.Packet) (uint32, bool) {
	if p.Len == 0 {
		return 0, false
	}
	return uint32(max(int(p.Len)-ipHeaderLen(p)-l4HeaderLen(p), 0)), true
}

// fragEnd is the offset in the original datagram just past this
// fragment's data; above 65515 (IPv4) the datagram cannot be reassembled.
func fragEnd(p *sources.Packet) (uint32, bool) {
	if p.Len == 0 {
		return 0, false
	}
	if p.Version == 6 {
		return uint32(p.FragOff) + uint32(max(int(p.Len)-48, 0)), true
	}
	return uint32(p.FragOff)*8 + uint32(max(int(p.Len)-ipHeaderLen(p), 0)), true
}
