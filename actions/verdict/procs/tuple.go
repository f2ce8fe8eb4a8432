package procs

import (
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// IP protocol numbers Lookup accepts.
const (
	ProtoTCP     = unix.IPPROTO_TCP
	ProtoUDP     = unix.IPPROTO_UDP
	ProtoUDPLite = unix.IPPROTO_UDPLITE
)

// Tuple is a connection as the queued packet shows it: Src is the local
// end, Dst the remote one.
type Tuple struct {
	Proto    uint8 // 6 TCP, 17 UDP, 136 UDP-Lite (others: ErrUnsupported)
	Src, Dst netip.AddrPort
	// Iface is the index of the packet's outgoing interface (NFQUEUE's
	// outdev), 0 when unknown. Given, the exact lookup also finds sockets
	// bound to that device, and a miss costs no dump (see Finder.Lookup).
	Iface uint32
}

func (t Tuple) String() string {
	return fmt.Sprintf("proto %d %s -> %s if %d", t.Proto, t.Src, t.Dst, t.Iface)
}

// normalize checks t and unmaps IPv4-mapped addresses, so that an IPv4
// connection has IPv4 addresses whatever socket family sent it.
func (t Tuple) normalize() (Tuple, error) {
	switch t.Proto {
	case ProtoTCP, ProtoUDP, ProtoUDPLite:
	default:
		return t, fmt.Errorf("%w: protocol %d", ErrUnsupported, t.Proto)
	}
	src, dst := t.Src.Addr().Unmap(), t.Dst.Addr().Unmap()
	if !src.IsValid() || !dst.IsValid() || t.Src.Port() == 0 {
		return t, fmt.Errorf("%w: %s", ErrInvalidTuple, t)
	}
	if src.Is4() != dst.Is4() {
		return t, fmt.Errorf("%w: mixed address families in %s", ErrInvalidTuple, t)
	}
	t.Src = netip.AddrPortFrom(src.WithZone(""), t.Src.Port())
	t.Dst = netip.AddrPortFrom(dst.WithZone(""), t.Dst.Port())
	return t, nil
}

// families lists the socket families that may hold a connection of t, in
// the order to ask: an IPv4 connection is an AF_INET socket's, or a
// dual-stack AF_INET6 one's (the kernel keeps its addresses v4-mapped).
func (t Tuple) families() (fams [2]uint8, n int) {
	if t.Src.Addr().Is4() {
		return [2]uint8{unix.AF_INET, unix.AF_INET6}, 2
	}
	return [2]uint8{unix.AF_INET6}, 1
}

// inFamily returns a in the form a socket of family fam stores it.
func inFamily(a netip.Addr, fam uint8) netip.Addr {
	if fam == unix.AF_INET6 && a.Is4() {
		return netip.AddrFrom16(a.As16())
	}
	return a
}
