package nflog

import (
	"strings"
	"time"

	nflog "github.com/florianl/go-nflog/v2"

	"github.com/ifw/ifw/sources"
)

// ethHeaderLen is the length of an Ethernet (and loopback) link header,
// the only link header a Packet keeps, as the LOG text parser does.
const ethHeaderLen = 14

// Ether types of the packets Decode reads.
const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
)

// meta fills what a packet's bytes do not say from the message's
// attributes: prefix, interfaces and chain, time, owner, mark, link header.
type meta struct {
	source string
	names  *ifnames
	now    func() time.Time
}

func (m *meta) fill(pkt *sources.Packet, a *nflog.Attribute) {
	pkt.Source, pkt.Trusted = m.source, true
	if a.Prefix != nil {
		pkt.Prefix = cleanPrefix(*a.Prefix)
	}
	pkt.In, pkt.Out = m.ifname(a.InDev), m.ifname(a.OutDev)
	pkt.PhysIn, pkt.PhysOut = m.ifname(a.PhysInDev), m.ifname(a.PhysOutDev)
	pkt.Chain = sources.ChainOf(pkt.In, pkt.Out)
	if a.Timestamp != nil && !a.Timestamp.IsZero() {
		pkt.Time = *a.Timestamp
	} else {
		pkt.Time = m.now()
	}
	pkt.Fields |= sources.HasTime
	if a.UID != nil {
		pkt.UID = *a.UID
		pkt.Fields |= sources.HasUID
	}
	if a.GID != nil {
		pkt.GID = *a.GID
	}
	if a.Mark != nil {
		pkt.Mark = *a.Mark
		pkt.Fields |= sources.HasMark
	}
	if a.HwHeader != nil && len(*a.HwHeader) == ethHeaderLen {
		h := *a.HwHeader
		copy(pkt.MAC.Dst[:], h[0:6])
		copy(pkt.MAC.Src[:], h[6:12])
		pkt.MAC.EtherType = uint16(h[12])<<8 | uint16(h[13])
		pkt.Fields |= sources.HasMAC
	}
}

func (m *meta) ifname(index *uint32) string {
	if index == nil || *index == 0 {
		return ""
	}
	return m.names.name(*index)
}

// cleanPrefix is the log prefix as the LOG text parser reads it: up to a
// NUL (the kernel prints it with %s), trimmed of spaces, valid UTF-8.
func cleanPrefix(p string) string {
	if i := strings.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	return strings.ToValidUTF8(strings.TrimSpace(p), "\uFFFD")
}

// isIP reports whether an NFLOG message's link-layer protocol (NFULA_PACKET_HDR)
// is one Decode reads; messages without one (or with 0) are tried.
func isIP(hwProtocol *uint16) bool {
	return hwProtocol == nil || *hwProtocol == 0 || *hwProtocol == etherIPv4 || *hwProtocol == etherIPv6
}
