package procs

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvTimeout bounds each receive. The kernel answers a sock_diag request
// (and each part of a dump) before the send (receive) that asks for it
// returns, so a receive waits only if something is wrong.
const recvTimeout = 5 * time.Second

// diagConn is a NETLINK_SOCK_DIAG socket driven with plain system calls
// on buffers of its own: an exact lookup builds its request in place and
// parses the reply where it was received, and allocates nothing. It is
// not safe for concurrent use; the pool hands it to one lookup at a time.
type diagConn struct {
	fd      int
	port    uint32 // the socket's netlink port ID, which replies carry
	seq     uint32 // of the last request
	req     [unix.SizeofNlMsghdr + sizeofReq]byte
	buf     []byte // recvBuffer bytes
	from    unix.RawSockaddrNetlink
	fromLen uint32
}

// dialDiag opens a socket in the calling thread's network namespace.
func dialDiag() (*diagConn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("procs: open sock_diag socket: %w", err)
	}
	c := &diagConn{fd: fd, buf: make([]byte, recvBuffer)}
	if err := c.setup(); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("procs: set up sock_diag socket: %w", err)
	}
	return c, nil
}

// setup binds the socket to a port ID of the kernel's choice, learns it,
// and sets the receive timeout.
func (c *diagConn) setup() error {
	if err := unix.Bind(c.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	sa, err := unix.Getsockname(c.fd)
	if err != nil {
		return err
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		return fmt.Errorf("%w: netlink socket name %T", errMalformed, sa)
	}
	c.port = nl.Pid
	tv := unix.NsecToTimeval(int64(recvTimeout))
	return unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
}

func (c *diagConn) close() error { return unix.Close(c.fd) }

// exact asks for the one socket of family fam that id names: its
// message, or the error the kernel answered (ENOENT: no such socket).
func (c *diagConn) exact(fam, proto uint8, id sockID) (diagMsg, error) {
	if err := c.send(unix.NLM_F_REQUEST, fam, proto, id); err != nil {
		return diagMsg{}, err
	}
	for {
		b, err := c.recv()
		if err != nil {
			return diagMsg{}, err
		}
		for len(b) > 0 {
			var m nlMsg
			if m, b, err = nextMsg(b); err != nil {
				return diagMsg{}, err
			}
			if !c.answers(m) {
				continue // a late reply to an earlier request
			}
			switch m.typ {
			case unix.SOCK_DIAG_BY_FAMILY:
				return parseDiag(m.data)
			case unix.NLMSG_ERROR:
				return diagMsg{}, nlErrno(m.data, true)
			}
			return diagMsg{}, fmt.Errorf("%w: netlink message type %d in reply to an exact lookup", errMalformed, m.typ)
		}
	}
}

// dump asks for the sockets of family fam that id selects and calls fn
// with each one's message. It reads the dump to its end even after fn
// fails: until then the socket could start no other dump.
func (c *diagConn) dump(fam, proto uint8, id sockID, fn func(msg []byte) error) error {
	if err := c.send(unix.NLM_F_REQUEST|unix.NLM_F_DUMP, fam, proto, id); err != nil {
		return err
	}
	var fnErr error
	for {
		b, err := c.recv()
		if err != nil {
			return err
		}
		for len(b) > 0 {
			var m nlMsg
			if m, b, err = nextMsg(b); err != nil {
				return err
			}
			if !c.answers(m) {
				continue
			}
			switch m.typ {
			case unix.SOCK_DIAG_BY_FAMILY:
				if fnErr == nil {
					fnErr = fn(m.data)
				}
			case unix.NLMSG_DONE:
				if err := nlErrno(m.data, false); err != nil {
					return err
				}
				return fnErr
			case unix.NLMSG_ERROR:
				return nlErrno(m.data, true)
			}
		}
	}
}

// send writes the request, with the next sequence number.
func (c *diagConn) send(flags uint16, fam, proto uint8, id sockID) error {
	c.seq++
	b := c.req[:]
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], unix.SOCK_DIAG_BY_FAMILY)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], c.seq)
	binary.NativeEndian.PutUint32(b[12:], c.port)
	putReq(b[unix.SizeofNlMsghdr:], fam, proto, id)
	for {
		err := unix.Sendto(c.fd, b, 0, nil) // nil: to the kernel
		if err != unix.EINTR {
			return err
		}
	}
}

// recv reads the next datagram the kernel sent the socket into c.buf.
// Datagrams from other sockets (only a privileged one can send to this)
// are dropped.
func (c *diagConn) recv() ([]byte, error) {
	for {
		c.fromLen = unix.SizeofSockaddrNetlink
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(c.fd),
			uintptr(unsafe.Pointer(&c.buf[0])), uintptr(len(c.buf)), unix.MSG_TRUNC,
			uintptr(unsafe.Pointer(&c.from)), uintptr(unsafe.Pointer(&c.fromLen)))
		switch {
		case e == unix.EINTR:
			continue
		case e != 0:
			return nil, e
		case int(n) > len(c.buf): // MSG_TRUNC: the datagram's whole length
			return nil, fmt.Errorf("%w: sock_diag datagram of %d bytes", errMalformed, n)
		case c.from.Pid != 0:
			continue
		}
		return c.buf[:n], nil
	}
}

// answers reports whether m replies to the last request.
func (c *diagConn) answers(m nlMsg) bool { return m.seq == c.seq && m.pid == c.port }
