package procs

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// nlMsg is one netlink message of a received datagram: its header
// fields and its payload, pointing into the datagram.
type nlMsg struct {
	typ, flags uint16
	seq, pid   uint32
	data       []byte
}

// nextMsg splits the first message off the datagram b.
func nextMsg(b []byte) (m nlMsg, rest []byte, err error) {
	if len(b) < unix.SizeofNlMsghdr {
		return nlMsg{}, nil, fmt.Errorf("%w: %d trailing bytes in a netlink datagram", errMalformed, len(b))
	}
	n := int(binary.NativeEndian.Uint32(b[0:]))
	if n < unix.SizeofNlMsghdr || n > len(b) {
		return nlMsg{}, nil, fmt.Errorf("%w: netlink message length %d of %d bytes", errMalformed, n, len(b))
	}
	m = nlMsg{
		typ:   binary.NativeEndian.Uint16(b[4:]),
		flags: binary.NativeEndian.Uint16(b[6:]),
		seq:   binary.NativeEndian.Uint32(b[8:]),
		pid:   binary.NativeEndian.Uint32(b[12:]),
		data:  b[unix.SizeofNlMsghdr:n],
	}
	return m, b[min(nlmsgAlign(n), len(b)):], nil
}

// nlErrno reads the error number that starts the payload of an
// NLMSG_ERROR message (isErr) or of an NLMSG_DONE one: nil for 0,
// which an NLMSG_ERROR only carries as the acknowledgement no request
// asks for here.
func nlErrno(data []byte, isErr bool) error {
	if len(data) < 4 {
		if isErr {
			return fmt.Errorf("%w: netlink error message of %d bytes", errMalformed, len(data))
		}
		return nil
	}
	code := int32(binary.NativeEndian.Uint32(data))
	switch {
	case code < 0:
		return unix.Errno(-int64(code))
	case isErr:
		return fmt.Errorf("%w: netlink error message with error number %d", errMalformed, code)
	}
	return nil
}

func nlmsgAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
