package ui

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// The loopback is shared by every user of the machine: the ui serves
// only connections from programs of its own user (or root, who could
// read the browser's cookie anyway). The kernel says whose a loopback
// TCP connection is: /proc/net/tcp{,6} lists every socket with its uid.
// So a token seen in another user's `ps` (xdg-open's command line), or
// a cookie a browser sends to another user's listener on 127.0.0.1 (a
// cookie is not bound to a port), is of no use to them.

// Bounds of reading /proc/net/tcp{,6}.
const (
	maxProcLine  = 512
	maxProcLines = 1 << 20
)

// errNoSocket: the client's socket is not in the table.
var errNoSocket = errors.New("the connecting socket is not in the kernel's table")

type peerKey struct{}

// peer is what the ui knows of a connection's other end.
type peer struct {
	uid uint32
	err error
}

// connContext finds, at accept, whose program connected.
func connContext(ctx context.Context, c net.Conn) context.Context {
	local, lok := c.LocalAddr().(*net.TCPAddr)
	remote, rok := c.RemoteAddr().(*net.TCPAddr)
	if !lok || !rok {
		return context.WithValue(ctx, peerKey{}, peer{err: errors.New("not a TCP connection")})
	}
	uid, err := socketUID(remote.AddrPort(), local.AddrPort())
	return context.WithValue(ctx, peerKey{}, peer{uid: uid, err: err})
}

// peerAllowed says whether r's connection is from the ui's user or root.
func (s *Server) peerAllowed(w http.ResponseWriter, r *http.Request) bool {
	p, ok := r.Context().Value(peerKey{}).(peer)
	if !ok { // a handler run without the server (not the case in ifw ui)
		p.err = errors.New("no connection information")
	}
	if p.err != nil {
		s.log.Warn("refused a connection whose owner is unknown", "remote", r.RemoteAddr, "err", p.err)
		http.Error(w, "ifw ui: whose program connected is unknown: refused", http.StatusForbidden)
		return false
	}
	if p.uid != s.uid && p.uid != 0 {
		s.log.Warn("refused another user's connection", "remote", r.RemoteAddr, "uid", p.uid)
		http.Error(w, "ifw ui: this window is another user's", http.StatusForbidden)
		return false
	}
	return true
}

// socketUID is the uid owning the TCP socket bound to local and
// connected to remote, from /proc/net/tcp (IPv4) and /proc/net/tcp6 (IPv6
// and IPv4-mapped).
func socketUID(local, remote netip.AddrPort) (uint32, error) {
	files := []string{"/proc/net/tcp", "/proc/net/tcp6"}
	if local.Addr().Is6() && !local.Addr().Is4In6() {
		files = files[1:]
	}
	for _, name := range files {
		six := strings.HasSuffix(name, "6")
		l, r := procAddr(local, six), procAddr(remote, six)
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		uid, err := findUID(f, l, r)
		f.Close()
		if !errors.Is(err, errNoSocket) {
			return uid, err
		}
	}
	return 0, errNoSocket
}

// procAddr is a as /proc/net/tcp{,6} writes it: the address's 32-bit
// words in host order, in hex, then the port.
func procAddr(a netip.AddrPort, six bool) string {
	var raw []byte
	if six {
		b := a.Addr().As16() // an IPv4 address as ::ffff:a.b.c.d
		raw = b[:]
	} else {
		b := a.Addr().Unmap().As4()
		raw = b[:]
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i+4 <= len(raw); i += 4 {
		out = binary.BigEndian.AppendUint32(out, binary.NativeEndian.Uint32(raw[i:i+4]))
	}
	return strings.ToUpper(hex.EncodeToString(out)) + ":" + fmt.Sprintf("%04X", a.Port())
}

// findUID reads a /proc/net/tcp table for the established socket from
// local to remote and returns its uid.
func findUID(r io.Reader, local, remote string) (uint32, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxProcLine), maxProcLine)
	for n := 0; sc.Scan(); n++ {
		if n == maxProcLines {
			return 0, fmt.Errorf("more than %d sockets", maxProcLines)
		}
		uid, ok, err := lineUID(sc.Text(), local, remote)
		if err != nil {
			return 0, fmt.Errorf("line %d: %w", n+1, err)
		}
		if ok {
			return uid, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errNoSocket
}

// lineUID reads one line of the table: ok when it is the established
// socket from local to remote.
func lineUID(line, local, remote string) (uint32, bool, error) {
	f := strings.Fields(line)
	// sl local rem st tx:rx tr:when retrnsmt uid …
	if len(f) < 8 || f[1] != local || f[2] != remote || f[3] != "01" {
		return 0, false, nil
	}
	uid, err := strconv.ParseUint(f[7], 10, 32)
	if err != nil {
		return 0, false, fmt.Errorf("uid %q: %w", f[7], err)
	}
	return uint32(uid), true, nil
}
