package procs

import (
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// recvBuffer is the size of each receive: above what the kernel puts in
// one datagram of a dump (at most 32 KiB), and it spares the extra
// MSG_PEEK system call mdlayher/netlink makes without a fixed size.
const recvBuffer = 32 << 10

// connPool is a fixed set of NETLINK_SOCK_DIAG sockets, all dialled at
// creation in the caller's network namespace. A Lookup takes one for its
// sock_diag requests only, so lookups run in parallel up to the pool size.
type connPool struct {
	free chan *netlink.Conn
	all  []*netlink.Conn
}

// dialPool opens n sockets in the current network namespace.
func dialPool(n int) (*connPool, error) {
	p := &connPool{free: make(chan *netlink.Conn, n)}
	for range n {
		c, err := netlink.Dial(unix.NETLINK_SOCK_DIAG, &netlink.Config{MessageBufferSize: recvBuffer})
		if err != nil {
			_ = p.shut()
			return nil, fmt.Errorf("procs: dial sock_diag netlink socket: %w", err)
		}
		p.all = append(p.all, c)
		p.free <- c
	}
	return p, nil
}

// get waits for a free socket.
func (p *connPool) get() *netlink.Conn { return <-p.free }

// put hands a socket back.
func (p *connPool) put(c *netlink.Conn) { p.free <- c }

// shut closes the sockets; none may be in use.
func (p *connPool) shut() error {
	var errs []error
	for _, c := range p.all {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
