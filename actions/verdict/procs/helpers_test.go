package procs

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// newTestFinder returns a Finder closed when the test ends, with Run
// going when run is true.
func newTestFinder(t testing.TB, cfg Config, run bool) *Finder {
	t.Helper()
	f, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if run {
		wg.Go(func() {
			if err := f.Run(ctx); err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

// sock is a socket made with system calls, closed when the test ends.
type sock struct {
	fd     int
	closed *bool
}

func newSock(t testing.TB, family, typ, proto int) sock {
	t.Helper()
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		t.Fatalf("socket(%d, %d, %d): %v", family, typ, proto, err)
	}
	s := sock{fd: fd, closed: new(bool)}
	t.Cleanup(func() { _ = s.close() })
	return s
}

// close closes the socket once.
func (s sock) close() error {
	if *s.closed {
		return nil
	}
	*s.closed = true
	return unix.Close(s.fd)
}

func sockaddr(ap netip.AddrPort, family int) unix.Sockaddr {
	if family == unix.AF_INET {
		return &unix.SockaddrInet4{Addr: ap.Addr().Unmap().As4(), Port: int(ap.Port())}
	}
	return &unix.SockaddrInet6{Addr: ap.Addr().As16(), Port: int(ap.Port())}
}

func addrPort(t testing.TB, sa unix.Sockaddr) netip.AddrPort {
	t.Helper()
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port))
	}
	t.Fatalf("sockaddr %T", sa)
	return netip.AddrPort{}
}

func (s sock) local(t testing.TB) netip.AddrPort {
	t.Helper()
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		t.Fatal(err)
	}
	return addrPort(t, sa)
}

func (s sock) inode(t testing.TB) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(s.fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// selfExe is the test binary's path as /proc/self/exe shows it.
func selfExe(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe, err = filepath.EvalSymlinks(exe)
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func isErr(err, target error) bool { return errors.Is(err, target) }
