package procs

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

var (
	lo4  = netip.MustParseAddrPort("127.0.0.1:0")
	lo6  = netip.MustParseAddrPort("[::1]:0")
	any6 = netip.MustParseAddrPort("[::]:0")
	// mapped4 is 127.0.0.1 as a dual-stack AF_INET6 socket names it.
	mapped4 = netip.AddrPortFrom(netip.AddrFrom16(lo4.Addr().As16()), 0)
)

// conn is a socket of the test process and the tuple its packets show.
type conn struct {
	s     sock
	tuple Tuple
}

// tcpConn connects a socket of family to a listener at listen (of the
// listener's own family lfam).
func tcpConn(t *testing.T, family int, listen netip.AddrPort, lfam int, dst netip.AddrPort, opts ...func(sock)) conn {
	t.Helper()
	ln := newSock(t, lfam, unix.SOCK_STREAM, 0)
	if err := unix.Bind(ln.fd, sockaddr(listen, lfam)); err != nil {
		t.Skipf("bind %s: %v", listen, err)
	}
	must(t, unix.Listen(ln.fd, 16))
	c := newSock(t, family, unix.SOCK_STREAM, 0)
	for _, o := range opts {
		o(c)
	}
	to := netip.AddrPortFrom(dst.Addr(), ln.local(t).Port())
	must(t, unix.Connect(c.fd, sockaddr(to, family)))
	return conn{s: c, tuple: Tuple{Proto: ProtoTCP, Src: c.local(t), Dst: to}}
}

// udpConn binds a datagram socket of family to bind and sends one
// datagram to dst, connected first when connect is set. The tuple's
// source is src's address (a wildcard bind sends from the loopback).
func udpConn(t *testing.T, proto, family int, bind netip.AddrPort, dst, src netip.Addr, connect bool, opts ...func(sock)) conn {
	t.Helper()
	u := newSock(t, family, unix.SOCK_DGRAM, proto)
	for _, o := range opts {
		o(u)
	}
	if err := unix.Bind(u.fd, sockaddr(bind, family)); err != nil {
		t.Skipf("bind %s: %v", bind, err)
	}
	to := netip.AddrPortFrom(dst, 9) // discard: nothing listens
	if connect {
		must(t, unix.Connect(u.fd, sockaddr(to, family)))
		must(t, unix.Send(u.fd, []byte("x"), 0))
	} else {
		must(t, unix.Sendto(u.fd, []byte("x"), 0, sockaddr(to, family)))
	}
	return conn{s: u, tuple: Tuple{Proto: uint8(proto), Src: netip.AddrPortFrom(src, u.local(t).Port()), Dst: to}}
}

// bindToLo binds a socket to the loopback device (SO_BINDTODEVICE).
func bindToLo(t *testing.T) func(sock) {
	return func(s sock) {
		if err := unix.SetsockoptString(s.fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, "lo"); err != nil {
			t.Skipf("SO_BINDTODEVICE: %v", err)
		}
	}
}

func TestLookupOwnSockets(t *testing.T) {
	f := newTestFinder(t, Config{}, false)
	l4, l6 := lo4.Addr(), lo6.Addr()
	cases := []struct {
		name string
		make func(t *testing.T) conn
		dump bool // found by the dump fallback
	}{
		{"tcp4", func(t *testing.T) conn { return tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4) }, false},
		{"tcp6", func(t *testing.T) conn { return tcpConn(t, unix.AF_INET6, lo6, unix.AF_INET6, lo6) }, false},
		{"tcp dual-stack to ipv4", func(t *testing.T) conn { return tcpConn(t, unix.AF_INET6, lo4, unix.AF_INET, mapped4) }, false},
		{"tcp4 bound to lo", func(t *testing.T) conn { return tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4, bindToLo(t)) }, true},
		{"tcp dual-stack bound to lo", func(t *testing.T) conn {
			return tcpConn(t, unix.AF_INET6, lo4, unix.AF_INET, mapped4, bindToLo(t))
		}, true},
		{"udp4 connected", func(t *testing.T) conn { return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET, lo4, l4, l4, true) }, false},
		{"udp6 connected", func(t *testing.T) conn { return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, lo6, l6, l6, true) }, false},
		{"udp4 sendto", func(t *testing.T) conn { return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET, lo4, l4, l4, false) }, false},
		{"udp6 sendto", func(t *testing.T) conn { return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, lo6, l6, l6, false) }, false},
		{"udp4 wildcard sendto", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET, netip.MustParseAddrPort("0.0.0.0:0"), l4, l4, false)
		}, false},
		{"udp dual-stack wildcard sendto ipv4", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, any6, mapped4.Addr(), l4, false)
		}, false},
		{"udp dual-stack connected ipv4", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, any6, mapped4.Addr(), l4, true)
		}, false},
		{"udp4 sendto bound to lo", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET, lo4, l4, l4, false, bindToLo(t))
		}, true},
		{"udp dual-stack wildcard bound to lo", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, any6, mapped4.Addr(), l4, false, bindToLo(t))
		}, true},
		{"udp6 connected bound to lo", func(t *testing.T) conn {
			return udpConn(t, unix.IPPROTO_UDP, unix.AF_INET6, lo6, l6, l6, true, bindToLo(t))
		}, true},
		{"udplite4 connected", func(t *testing.T) conn { return udpLite(t, unix.AF_INET, lo4, l4, true) }, false},
		{"udplite6 sendto", func(t *testing.T) conn { return udpLite(t, unix.AF_INET6, lo6, l6, false) }, false},
	}
	lo := loIndex(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cn := c.make(t)
			before := f.Stats().SockDiagDumps
			own, err := f.Lookup(cn.tuple)
			if err != nil {
				t.Fatalf("Lookup(%s): %v", cn.tuple, err)
			}
			checkSelf(t, own, cn)
			if dumped := f.Stats().SockDiagDumps > before; dumped != c.dump {
				t.Errorf("found by a dump: %v, want %v", dumped, c.dump)
			}
			// With the outgoing interface, the exact lookup finds it.
			before = f.Stats().SockDiagDumps
			cn.tuple.Iface = lo
			own, err = f.Lookup(cn.tuple)
			if err != nil {
				t.Fatalf("Lookup(%s): %v", cn.tuple, err)
			}
			checkSelf(t, own, cn)
			if f.Stats().SockDiagDumps != before {
				t.Errorf("dumped with the interface given")
			}
		})
	}
}

// loIndex is the loopback interface's index.
func loIndex(t *testing.T) uint32 {
	t.Helper()
	ifc, err := net.InterfaceByName("lo")
	must(t, err)
	return uint32(ifc.Index)
}

// udpLite is udpConn for UDP-Lite, skipped where the kernel has none.
func udpLite(t *testing.T, family int, bind netip.AddrPort, dst netip.Addr, connect bool) conn {
	t.Helper()
	fd, err := unix.Socket(family, unix.SOCK_DGRAM, unix.IPPROTO_UDPLITE)
	if err != nil {
		t.Skipf("UDP-Lite: %v", err)
	}
	_ = unix.Close(fd)
	return udpConn(t, unix.IPPROTO_UDPLITE, family, bind, dst, dst, connect)
}

// checkSelf checks that own is the test process holding cn's socket.
func checkSelf(t *testing.T, own Owner, cn conn) {
	t.Helper()
	if want := cn.s.inode(t); own.Inode != want {
		t.Errorf("inode %d, want %d", own.Inode, want)
	}
	p := own.Process
	if p.PID != os.Getpid() || p.Exe != selfExe(t) || p.Deleted || p.UID != uint32(os.Getuid()) || own.UID != uint32(os.Geteuid()) {
		t.Errorf("owner %+v, want pid %d exe %s uid %d", own, os.Getpid(), selfExe(t), os.Getuid())
	}
	if p.Start == 0 || p.Comm == "" {
		t.Errorf("process %+v: no start time or name", p)
	}
}

func TestLookupMappedTuple(t *testing.T) {
	// The same IPv4 connection given with v4-mapped addresses.
	f := newTestFinder(t, Config{}, false)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	mapped := cn.tuple
	mapped.Src = netip.AddrPortFrom(netip.AddrFrom16(mapped.Src.Addr().As16()), mapped.Src.Port())
	mapped.Dst = netip.AddrPortFrom(netip.AddrFrom16(mapped.Dst.Addr().As16()), mapped.Dst.Port())
	own, err := f.Lookup(mapped)
	if err != nil {
		t.Fatal(err)
	}
	checkSelf(t, own, cn)
}

func TestLookupCacheHit(t *testing.T) {
	f := newTestFinder(t, Config{}, true)
	a := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	b := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	if a.s.fd > b.s.fd {
		a, b = b, a
	}
	for i, cn := range []conn{b, a, a} {
		own, err := f.Lookup(cn.tuple)
		if err != nil {
			t.Fatalf("lookup %d: %v", i, err)
		}
		checkSelf(t, own, cn)
	}
	// The scan that found b (the higher descriptor) met a's socket on
	// the way: both later lookups are hits.
	if st := f.Stats(); st.CacheHits != 2 || st.CacheMisses != 1 {
		t.Errorf("cache hits %d misses %d, want 2 and 1", st.CacheHits, st.CacheMisses)
	}
}

func TestLookupErrors(t *testing.T) {
	f := newTestFinder(t, Config{}, false)
	free := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4).tuple
	free.Src = netip.AddrPortFrom(free.Src.Addr(), 1) // port 1: not ours
	cases := []struct {
		name  string
		tuple Tuple
		want  error
	}{
		{"icmp", Tuple{Proto: 1, Src: netip.MustParseAddrPort("127.0.0.1:1"), Dst: netip.MustParseAddrPort("127.0.0.1:2")}, ErrUnsupported},
		{"sctp", Tuple{Proto: 132, Src: netip.MustParseAddrPort("127.0.0.1:1"), Dst: netip.MustParseAddrPort("127.0.0.1:2")}, ErrUnsupported},
		{"mixed families", Tuple{Proto: 6, Src: netip.MustParseAddrPort("127.0.0.1:1"), Dst: netip.MustParseAddrPort("[::1]:2")}, ErrInvalidTuple},
		{"no source port", Tuple{Proto: 6, Src: netip.MustParseAddrPort("127.0.0.1:0"), Dst: netip.MustParseAddrPort("127.0.0.1:2")}, ErrInvalidTuple},
		{"zero", Tuple{Proto: 17}, ErrInvalidTuple},
		{"no tcp socket", free, ErrNoSocket},
		{"no udp socket", Tuple{Proto: 17, Src: netip.MustParseAddrPort("[2001:db8::1]:1"), Dst: netip.MustParseAddrPort("[2001:db8::2]:2")}, ErrNoSocket},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			own, err := f.Lookup(c.tuple)
			if !errors.Is(err, c.want) {
				t.Fatalf("Lookup(%s) = %+v, %v; want %v", c.tuple, own, err, c.want)
			}
		})
	}
	if st := f.Stats(); st.SockDiagMisses != 2 || st.Errors != 0 {
		t.Errorf("stats %+v: want 2 sock_diag misses, no errors", st)
	}
	// A miss with the interface given costs no dump.
	before := f.Stats().SockDiagDumps
	free.Iface = loIndex(t)
	if _, err := f.Lookup(free); !errors.Is(err, ErrNoSocket) || f.Stats().SockDiagDumps != before {
		t.Errorf("miss with an interface: %v, %d dumps", err, f.Stats().SockDiagDumps-before)
	}
}

func TestLookupOrphanedTCP(t *testing.T) {
	// A client socket closed by its process lingers in FIN_WAIT with no
	// inode: ErrNoProcess with Inode 0.
	f := newTestFinder(t, Config{}, false)
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	must(t, cn.s.close())
	own, err := f.Lookup(cn.tuple)
	if !errors.Is(err, ErrNoProcess) || own.Inode != 0 {
		t.Fatalf("Lookup of a closed socket = %+v, %v; want inode 0 and ErrNoProcess", own, err)
	}
}

func TestLookupAfterClose(t *testing.T) {
	f, err := New(Config{}, nil)
	must(t, err)
	must(t, f.Close())
	must(t, f.Close())
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	if _, err := f.Lookup(cn.tuple); !errors.Is(err, ErrClosed) {
		t.Fatalf("Lookup after Close: %v, want ErrClosed", err)
	}
}
