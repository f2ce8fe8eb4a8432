package block

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// This file speaks ipset's netlink protocol directly, with the nl package
// of vishvananda/netlink, where its Handle offers no call: the batch add of
// bulk loads, the hash size at create, and a lean dump parser.

// ipset command-level flag: list the header only (`ipset list -t`).
const flagListHeader = 1 << 2

// request starts an ipset request with command cmd on the raw socket.
func (s *Sets) request(cmd, flags int) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(cmd|(unix.NFNL_SUBSYS_IPSET<<8), flags)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_NETFILTER: s.raw}
	req.AddData(&nl.Nfgenmsg{NfgenFamily: unix.AF_INET, Version: nl.NFNETLINK_V0})
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_PROTOCOL, nl.Uint8Attr(nl.IPSET_PROTOCOL)))
	return req
}

// appendAttr appends one netlink attribute (header, value, padding).
func appendAttr(b []byte, typ uint16, val []byte) []byte {
	b = binary.NativeEndian.AppendUint16(b, uint16(4+len(val)))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, val...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// appendEntry appends p as the IPSET_ATTR_DATA of one hash:net entry.
func appendEntry(b []byte, p netip.Prefix) []byte {
	addr := nl.IPSET_ATTR_IPADDR_IPV6
	if p.Addr().Is4() {
		addr = nl.IPSET_ATTR_IPADDR_IPV4
	}
	var ip, data [48]byte
	ipAttr := appendAttr(ip[:0], uint16(addr)|nl.NLA_F_NET_BYTEORDER, p.Addr().AsSlice())
	d := appendAttr(data[:0], nl.IPSET_ATTR_IP|nl.NLA_F_NESTED, ipAttr)
	d = appendAttr(d, nl.IPSET_ATTR_CIDR, []byte{byte(p.Bits())})
	return appendAttr(b, nl.IPSET_ATTR_DATA|nl.NLA_F_NESTED, d)
}

// walk calls fn for each attribute in b, with its type stripped of the
// nested and byte-order flags. It stops at a malformed attribute.
func walk(b []byte, fn func(typ uint16, val []byte)) {
	for len(b) >= 4 {
		n := int(binary.NativeEndian.Uint16(b))
		if n < 4 || n > len(b) {
			return
		}
		fn(binary.NativeEndian.Uint16(b[2:])&nl.NLA_TYPE_MASK, b[4:n])
		b = b[min((n+3)&^3, len(b)):]
	}
}

// setInfo is what a set's header says.
type setInfo struct {
	Type        string
	Family      uint8
	HasTimeout  bool
	MaxElements uint32
	Entries     uint32
}

// parseHeader reads the header attributes of one list message (the
// attributes after the nfgenmsg).
func parseHeader(attrs []byte, info *setInfo) {
	walk(attrs, func(typ uint16, val []byte) {
		switch typ {
		case nl.IPSET_ATTR_TYPENAME:
			info.Type = string(trimNUL(val))
		case nl.IPSET_ATTR_FAMILY:
			if len(val) > 0 {
				info.Family = val[0]
			}
		case nl.IPSET_ATTR_DATA:
			walk(val, func(typ uint16, val []byte) {
				switch {
				case typ == nl.IPSET_ATTR_TIMEOUT:
					info.HasTimeout = true
				case typ == nl.IPSET_ATTR_MAXELEM && len(val) == 4:
					info.MaxElements = binary.BigEndian.Uint32(val)
				case typ == nl.IPSET_ATTR_ELEMENTS && len(val) == 4:
					info.Entries = binary.BigEndian.Uint32(val)
				}
			})
		}
	})
}

// parseEntries appends the entries of one list message to out.
func parseEntries(attrs []byte, out []Entry) ([]Entry, error) {
	var err error
	walk(attrs, func(typ uint16, val []byte) {
		if typ != nl.IPSET_ATTR_ADT {
			return
		}
		walk(val, func(typ uint16, val []byte) {
			if typ != nl.IPSET_ATTR_DATA || err != nil {
				return
			}
			var e Entry
			if e, err = parseEntry(val); err == nil {
				out = append(out, e)
			}
		})
	})
	return out, err
}

// parseEntry reads one hash:net entry: address, prefix length, timeout.
func parseEntry(data []byte) (Entry, error) {
	var addr netip.Addr
	bits := -1
	var e Entry
	walk(data, func(typ uint16, val []byte) {
		switch {
		case typ == nl.IPSET_ATTR_IP:
			walk(val, func(_ uint16, val []byte) { addr, _ = netip.AddrFromSlice(val) })
		case typ == nl.IPSET_ATTR_CIDR && len(val) > 0:
			bits = int(val[0])
		case typ == nl.IPSET_ATTR_TIMEOUT && len(val) == 4:
			e.Remaining = secondsToDuration(binary.BigEndian.Uint32(val))
		}
	})
	if !addr.IsValid() {
		return Entry{}, fmt.Errorf("entry without address")
	}
	addr = addr.Unmap()
	if bits < 0 {
		bits = addr.BitLen()
	}
	e.Prefix = netip.PrefixFrom(addr, bits).Masked()
	if !e.Prefix.IsValid() {
		return Entry{}, fmt.Errorf("entry %v/%d: invalid prefix", addr, bits)
	}
	return e, nil
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}
