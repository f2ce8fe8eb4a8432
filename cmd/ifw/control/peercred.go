package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/ifw/ifw/cmd/ifw/polkit"
	"github.com/ifw/ifw/sources/userdb"
)

// peer is who is on the other end of a control-socket connection.
type peer struct {
	uid, gid uint32
	pid      int32
	// start is the process's start time (/proc/PID/stat), read when it
	// connected: with the pid, the polkit subject; 0 when unreadable.
	start uint64
}

type peerKey struct{}

// peerOf is the request's peer (the zero peer, uid 0, never: a request
// without credentials is refused by the authorizer first).
func peerOf(r *http.Request) peer {
	p, _ := r.Context().Value(peerKey{}).(peer)
	return p
}

// peerContext stores the connection's peer credentials (SO_PEERCRED, read
// at accept by peerListener) in its requests' context; it is the server's
// ConnContext hook.
func peerContext(ctx context.Context, c net.Conn) context.Context {
	var p peer
	switch c := c.(type) {
	case *peerConn:
		p = c.peer
	case *net.UnixConn:
		var err error
		if p, err = credentials(c); err != nil {
			return ctx
		}
	default:
		return ctx
	}
	if s, err := polkit.ProcessSubject(p.pid, p.uid); err == nil {
		p.start = s.StartTime
	}
	return context.WithValue(ctx, peerKey{}, p)
}

// authorizer admits root and members of the socket's group.
type authorizer struct {
	gid int // -1: root only
}

func newAuthorizer(group string) authorizer {
	if g, err := userdb.LookupGroup(group); err == nil {
		if id, err := strconv.Atoi(g.Gid); err == nil {
			return authorizer{gid: id}
		}
	}
	return authorizer{gid: -1}
}

// allow checks the request's peer; the peer's supplementary groups are read
// from /proc, since SO_PEERCRED carries only the primary one.
func (a authorizer) allow(r *http.Request) error {
	p, ok := r.Context().Value(peerKey{}).(peer)
	switch {
	case !ok:
		return errors.New("no peer credentials")
	case p.uid == 0:
		return nil
	case a.gid >= 0 && (int(p.gid) == a.gid || inGroup(p.pid, a.gid)):
		return nil
	}
	return fmt.Errorf("uid %d is neither root nor in the ifw group", p.uid)
}

func inGroup(pid int32, gid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Groups:"); ok {
			for _, g := range strings.Fields(rest) {
				if g == strconv.Itoa(gid) {
					return true
				}
			}
		}
	}
	return false
}
