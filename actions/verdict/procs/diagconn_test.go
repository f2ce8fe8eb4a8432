package procs

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// dialTestDiag is a diagConn closed when the test ends.
func dialTestDiag(t *testing.T) *diagConn {
	t.Helper()
	c, err := dialDiag()
	must(t, err)
	t.Cleanup(func() { _ = c.close() })
	return c
}

// exactOf asks c for cn's socket.
func exactOf(c *diagConn, cn conn) (diagMsg, error) {
	return c.exact(unix.AF_INET, cn.tuple.Proto, exactID(unix.AF_INET, cn.tuple))
}

func TestDiagConnExact(t *testing.T) {
	c := dialTestDiag(t)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	m, err := exactOf(c, cn)
	if err != nil || uint64(m.Inode) != cn.s.inode(t) || m.ID.Src != cn.tuple.Src || m.ID.Dst != cn.tuple.Dst {
		t.Fatalf("exact = %+v, %v; want inode %d", m, err, cn.s.inode(t))
	}
	missing := cn
	missing.tuple.Src = netip.AddrPortFrom(cn.tuple.Src.Addr(), 1)
	if m, err := exactOf(c, missing); !errors.Is(err, unix.ENOENT) {
		t.Errorf("exact of no socket = %+v, %v; want ENOENT", m, err)
	}
}

func TestDiagConnStaleReply(t *testing.T) {
	// A reply left unread (a request whose caller gave up) is skipped
	// by the next request, whose sequence number differs.
	c := dialTestDiag(t)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	must(t, c.send(unix.NLM_F_REQUEST, unix.AF_INET, ProtoTCP, sockID{Src: netip.MustParseAddrPort("127.0.0.1:1"), Cookie: noCookie}))
	if m, err := exactOf(c, cn); err != nil || uint64(m.Inode) != cn.s.inode(t) {
		t.Fatalf("exact after an unread error reply = %+v, %v", m, err)
	}
	must(t, c.send(unix.NLM_F_REQUEST, unix.AF_INET, ProtoTCP, exactID(unix.AF_INET, cn.tuple)))
	missing := cn
	missing.tuple.Src = netip.AddrPortFrom(cn.tuple.Src.Addr(), 1)
	if m, err := exactOf(c, missing); !errors.Is(err, unix.ENOENT) {
		t.Fatalf("exact after an unread reply = %+v, %v; want ENOENT", m, err)
	}
}

func TestDiagConnForged(t *testing.T) {
	// A privileged process can send to the socket's port: a datagram
	// that is not from the kernel is dropped, even if it looks like the
	// reply awaited.
	c := dialTestDiag(t)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	forger := dialTestDiag(t)
	forged := encodeDiag(diagMsg{Family: unix.AF_INET, ID: sockID{Src: cn.tuple.Src, Dst: cn.tuple.Dst}, Inode: 4242})
	hdr := make([]byte, unix.SizeofNlMsghdr)
	binary.NativeEndian.PutUint32(hdr[0:], uint32(len(hdr)+len(forged)))
	binary.NativeEndian.PutUint16(hdr[4:], unix.SOCK_DIAG_BY_FAMILY)
	binary.NativeEndian.PutUint32(hdr[8:], c.seq+1)
	binary.NativeEndian.PutUint32(hdr[12:], c.port)
	err := unix.Sendto(forger.fd, append(hdr, forged...), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: c.port})
	if errors.Is(err, unix.EPERM) {
		t.Skip("sending to another netlink socket needs CAP_NET_ADMIN")
	}
	must(t, err)
	if m, err := exactOf(c, cn); err != nil || uint64(m.Inode) != cn.s.inode(t) {
		t.Fatalf("exact after a forged reply = %+v, %v; want inode %d", m, err, cn.s.inode(t))
	}
}

func TestDiagConnDump(t *testing.T) {
	// A dump of the local port lists the socket; a failing callback does
	// not stop the dump, and the socket serves the next request.
	c := dialTestDiag(t)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	id := sockID{Src: netip.AddrPortFrom(netip.Addr{}, cn.tuple.Src.Port())}
	found := false
	err := c.dump(unix.AF_INET, ProtoTCP, id, func(b []byte) error {
		m, err := parseDiag(b)
		found = found || (err == nil && uint64(m.Inode) == cn.s.inode(t))
		return err
	})
	if err != nil || !found {
		t.Fatalf("dump: %v, found %v", err, found)
	}
	stop := errors.New("stop")
	if err := c.dump(unix.AF_INET, ProtoTCP, sockID{}, func([]byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("dump with a failing callback: %v", err)
	}
	if m, err := exactOf(c, cn); err != nil || uint64(m.Inode) != cn.s.inode(t) {
		t.Fatalf("exact after a dump = %+v, %v", m, err)
	}
}

func TestNetlinkFraming(t *testing.T) {
	msg := func(n uint32, typ uint16, payload ...byte) []byte {
		b := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(payload))
		binary.NativeEndian.PutUint32(b[0:], n)
		binary.NativeEndian.PutUint16(b[4:], typ)
		return append(b, payload...)
	}
	// Two messages, the first padded to 4 bytes.
	two := append(msg(17, unix.SOCK_DIAG_BY_FAMILY, 9, 0, 0, 0), msg(16, unix.NLMSG_DONE)...)
	m, rest, err := nextMsg(two)
	if err != nil || m.typ != unix.SOCK_DIAG_BY_FAMILY || len(m.data) != 1 || len(rest) != 16 {
		t.Fatalf("first of two: %+v, %d left, %v", m, len(rest), err)
	}
	if m, rest, err = nextMsg(rest); err != nil || m.typ != unix.NLMSG_DONE || len(rest) != 0 {
		t.Fatalf("second of two: %+v, %d left, %v", m, len(rest), err)
	}
	for _, bad := range [][]byte{msg(16, 0)[:15], msg(15, 0), msg(17, 0)} {
		if m, _, err := nextMsg(bad); !errors.Is(err, errMalformed) {
			t.Errorf("nextMsg(% x) = %+v, %v", bad, m, err)
		}
	}
	errno := func(code int32) []byte { return binary.NativeEndian.AppendUint32(nil, uint32(code)) }
	cases := []struct {
		data  []byte
		isErr bool
		want  error
	}{
		{errno(-2), true, unix.ENOENT},
		{errno(-16), false, unix.EBUSY},
		{errno(0), false, nil},
		{nil, false, nil},
		{errno(0), true, errMalformed},
		{[]byte{1}, true, errMalformed},
	}
	for _, c := range cases {
		if err := nlErrno(c.data, c.isErr); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("nlErrno(% x, %v) = %v, want %v", c.data, c.isErr, err, c.want)
		}
	}
}
