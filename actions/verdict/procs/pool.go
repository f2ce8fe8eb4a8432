package procs

import (
	"errors"
	"fmt"
)

// recvBuffer is the size of each receive: above what the kernel puts in
// one datagram of a dump (at most 32 KiB).
const recvBuffer = 32 << 10

// connPool is a fixed set of NETLINK_SOCK_DIAG sockets, all dialled at
// creation in the caller's network namespace. A Lookup takes one for its
// sock_diag requests only, so lookups run in parallel up to the pool size.
type connPool struct {
	free chan *diagConn
	all  []*diagConn
}

// dialPool opens n sockets in the current network namespace.
func dialPool(n int) (*connPool, error) {
	p := &connPool{free: make(chan *diagConn, n)}
	for range n {
		c, err := dialDiag()
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
func (p *connPool) get() *diagConn { return <-p.free }

// put hands a socket back.
func (p *connPool) put(c *diagConn) { p.free <- c }

// shut closes the sockets; none may be in use.
func (p *connPool) shut() error {
	var errs []error
	for _, c := range p.all {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}
