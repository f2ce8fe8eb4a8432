package procs

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// The kernel's sock_diag structures (linux/inet_diag.h). Ports and
// addresses of struct inet_diag_sockid are big-endian; every other field
// is in host order.
const (
	sizeofSockID = 48 // struct inet_diag_sockid
	sizeofReq    = 8 + sizeofSockID
	sizeofMsg    = 4 + sizeofSockID + 20
	allStates    = ^uint32(0)
	noCookie     = ^uint64(0) // INET_DIAG_NOCOOKIE in both halves

	attrSKV6Only = 11 // INET_DIAG_SKV6ONLY: u8, sent for AF_INET6 sockets
)

// sockID is struct inet_diag_sockid with the addresses as netip values:
// IPv4 ones for AF_INET, 16-byte ones for AF_INET6.
type sockID struct {
	Src, Dst netip.AddrPort
	If       uint32
	Cookie   uint64
}

// diagMsg is what Lookup needs of a struct inet_diag_msg and its
// attributes.
type diagMsg struct {
	Family uint8
	State  uint8
	ID     sockID
	UID    uint32
	Inode  uint32
	V6Only bool
}

// putReq encodes struct inet_diag_req_v2 for every socket state into
// b[:sizeofReq].
func putReq(b []byte, family, proto uint8, id sockID) {
	b[0], b[1], b[2], b[3] = family, proto, 0, 0 // idiag_ext, pad
	binary.NativeEndian.PutUint32(b[4:], allStates)
	putSockID(b[8:], family, id)
}

// putSockID encodes id into b[:sizeofSockID] for a socket of family.
func putSockID(b []byte, family uint8, id sockID) {
	binary.BigEndian.PutUint16(b[0:], id.Src.Port())
	binary.BigEndian.PutUint16(b[2:], id.Dst.Port())
	putAddr(b[4:20], family, id.Src.Addr())
	putAddr(b[20:36], family, id.Dst.Addr())
	binary.NativeEndian.PutUint32(b[36:], id.If)
	binary.NativeEndian.PutUint32(b[40:], uint32(id.Cookie))
	binary.NativeEndian.PutUint32(b[44:], uint32(id.Cookie>>32))
}

// putAddr writes a into b[:16] as family stores it: 4 bytes then zeros
// for AF_INET, 16 bytes (IPv4 v4-mapped) for AF_INET6; all zeros for an
// invalid a.
func putAddr(b []byte, family uint8, a netip.Addr) {
	clear(b[:16])
	if !a.IsValid() {
		return
	}
	if family == unix.AF_INET {
		a4 := a.Unmap().As4()
		copy(b, a4[:])
		return
	}
	a16 := a.As16()
	copy(b, a16[:])
}

// parseDiag decodes one struct inet_diag_msg and its attributes.
func parseDiag(b []byte) (diagMsg, error) {
	if len(b) < sizeofMsg {
		return diagMsg{}, fmt.Errorf("%w: sock_diag reply of %d bytes, want at least %d", errMalformed, len(b), sizeofMsg)
	}
	m := diagMsg{Family: b[0], State: b[1]}
	id, err := parseSockID(b[4:4+sizeofSockID], m.Family)
	if err != nil {
		return diagMsg{}, err
	}
	m.ID = id
	m.UID = binary.NativeEndian.Uint32(b[64:])
	m.Inode = binary.NativeEndian.Uint32(b[68:])
	v6only, err := parseDiagAttrs(b[sizeofMsg:])
	if err != nil {
		return diagMsg{}, err
	}
	m.V6Only = v6only && m.Family == unix.AF_INET6 // the kernel sends it for AF_INET6 only
	return m, nil
}

// parseSockID decodes struct inet_diag_sockid of a family socket.
func parseSockID(b []byte, family uint8) (sockID, error) {
	var src, dst netip.Addr
	switch family {
	case unix.AF_INET:
		src, dst = netip.AddrFrom4([4]byte(b[4:8])), netip.AddrFrom4([4]byte(b[20:24]))
	case unix.AF_INET6:
		src, dst = netip.AddrFrom16([16]byte(b[4:20])), netip.AddrFrom16([16]byte(b[20:36]))
	default:
		return sockID{}, fmt.Errorf("%w: sock_diag reply of address family %d", errMalformed, family)
	}
	return sockID{
		Src:    netip.AddrPortFrom(src, binary.BigEndian.Uint16(b[0:])),
		Dst:    netip.AddrPortFrom(dst, binary.BigEndian.Uint16(b[2:])),
		If:     binary.NativeEndian.Uint32(b[36:]),
		Cookie: uint64(binary.NativeEndian.Uint32(b[40:])) | uint64(binary.NativeEndian.Uint32(b[44:]))<<32,
	}, nil
}

// parseDiagAttrs walks the netlink attributes after struct inet_diag_msg
// and reports INET_DIAG_SKV6ONLY.
func parseDiagAttrs(b []byte) (v6only bool, err error) {
	for len(b) > 0 {
		if len(b) < unix.SizeofNlAttr {
			return false, fmt.Errorf("%w: %d trailing bytes in sock_diag reply", errMalformed, len(b))
		}
		n := int(binary.NativeEndian.Uint16(b[0:]))
		typ := binary.NativeEndian.Uint16(b[2:]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if n < unix.SizeofNlAttr || n > len(b) {
			return false, fmt.Errorf("%w: sock_diag attribute length %d of %d bytes", errMalformed, n, len(b))
		}
		if typ == attrSKV6Only && n > unix.SizeofNlAttr {
			v6only = b[unix.SizeofNlAttr] != 0
		}
		b = b[min(nlaAlign(n), len(b)):]
	}
	return v6only, nil
}

func nlaAlign(n int) int { return (n + unix.NLA_ALIGNTO - 1) &^ (unix.NLA_ALIGNTO - 1) }
