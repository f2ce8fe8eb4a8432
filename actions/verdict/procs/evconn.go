package procs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// evRecvBuffer is the event socket's receive buffer: room for a burst
	// of about 10,000 events before the kernel drops them (ENOBUFS).
	evRecvBuffer = 1 << 20
	// evAckTimeout bounds the wait for the connector's answer to the
	// listen request.
	evAckTimeout = time.Second
)

// hostNetNS are the host's network namespace seen through procfs, which
// the connector lives in: PID 1's, or else kthreadd's (PID 2 of the
// initial PID namespace is always that kernel thread, in the initial
// network namespace), where a sandbox keeps PID 1's closed.
var hostNetNS = [...]string{"/proc/1/ns/net", "/proc/2/ns/net"}

// errNoConnector says the process connector is not there to listen to:
// no connector in this network namespace, no permission (CAP_NET_ADMIN
// in the initial user and PID namespaces), or no answer.
var errNoConnector = errors.New("procs: process connector unavailable")

// evConn is a NETLINK_CONNECTOR socket listening to the process events.
// It is non-blocking: Run's reader waits for it in the Go poller, and a
// lookup drains it before trusting freshPIDs. mu makes a drain whole:
// when a drain finds the socket empty, every event sent before was
// handled.
type evConn struct {
	file *os.File
	rc   syscall.RawConn
	port uint32

	mu      sync.Mutex
	buf     []byte
	from    unix.RawSockaddrNetlink
	fromLen uint32
	read    uint64 // events handled, under mu
}

// openEvents listens to the process events, in the calling thread's
// network namespace or, where the connector is not (a daemon started in
// a namespace of its own), in the host's.
func openEvents() (*evConn, error) {
	fd, err := listenFD()
	for _, ns := range hostNetNS {
		if !errors.Is(err, unix.ECONNREFUSED) && !errors.Is(err, unix.EACCES) {
			break
		}
		fd, err = listenFDIn(ns)
	}
	if err != nil {
		return nil, err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("%w: %w", errNoConnector, err)
	}
	c := &evConn{file: os.NewFile(uintptr(fd), "proc-connector"), buf: make([]byte, 64<<10)}
	if nl, ok := sa.(*unix.SockaddrNetlink); ok {
		c.port = nl.Pid
	}
	if c.rc, err = c.file.SyscallConn(); err != nil {
		_ = c.file.Close()
		return nil, err
	}
	return c, nil
}

// listenFDIn is listenFD in the network namespace ns, on a thread of its
// own that is thrown away if it cannot be put back.
func listenFDIn(ns string) (int, error) {
	type result struct {
		fd  int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		fd, err, restored := inNetNS(ns, listenFD)
		if restored {
			runtime.UnlockOSThread()
		}
		done <- result{fd, err}
	}()
	r := <-done
	return r.fd, r.err
}

// inNetNS runs fn with the locked calling thread in network namespace
// ns; restored is false if the thread could not go back to its own.
func inNetNS(ns string, fn func() (int, error)) (fd int, err error, restored bool) {
	self, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("%w: %w", errNoConnector, err), true
	}
	defer unix.Close(self)
	target, err := unix.Open(ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("%w: open %s: %w", errNoConnector, ns, err), true
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		return -1, fmt.Errorf("%w: enter %s: %w", errNoConnector, ns, err), true
	}
	fd, err = fn()
	if rerr := unix.Setns(self, unix.CLONE_NEWNET); rerr != nil {
		return fd, err, false
	}
	return fd, err, true
}

// listenFD opens a connector socket in the calling thread's network
// namespace, joins the process events' group and asks for them, and
// waits for the connector's acknowledgement: a non-blocking descriptor.
func listenFD() (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_CONNECTOR)
	if err != nil {
		return -1, fmt.Errorf("%w: open socket: %w", errNoConnector, err)
	}
	if err := listen(fd); err != nil {
		_ = unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func listen(fd int) error {
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc}); err != nil {
		return fmt.Errorf("%w: join the group: %w", errNoConnector, err)
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, evRecvBuffer) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, evRecvBuffer)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fmt.Errorf("%w: %w", errNoConnector, err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		return fmt.Errorf("%w: socket name %T", errNoConnector, sa)
	}
	var req [sizeofListen]byte
	putListen(req[:], nl.Pid, nl.Pid, procCnMcastListen)
	if err := unix.Sendto(fd, req[:], 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("%w: listen: %w", errNoConnector, err)
	}
	return awaitAck(fd, nl.Pid+1)
}

// awaitAck reads the events until the connector's answer to the listen
// request, which carries ack, for evAckTimeout at most. The events before it are
// dropped: the lookups do not trust the events before a refresh after
// this.
func awaitAck(fd int, ack uint32) error {
	buf := make([]byte, 64<<10)
	deadline := time.Now().Add(evAckTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%w: no answer to the listen request", errNoConnector)
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, int(left.Milliseconds())+1); err != nil && err != unix.EINTR {
			return fmt.Errorf("%w: %w", errNoConnector, err)
		}
		n, from, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR || err == unix.ENOBUFS:
			continue
		case err != nil:
			return fmt.Errorf("%w: %w", errNoConnector, err)
		}
		if nl, ok := from.(*unix.SockaddrNetlink); !ok || nl.Pid != 0 {
			continue
		}
		found, err := findAck(buf[:n], ack)
		if found {
			return err
		}
	}
}

// findAck looks for the acknowledgement carrying ack in datagram b, and
// returns its error.
func findAck(b []byte, ack uint32) (bool, error) {
	for len(b) > 0 {
		m, rest, err := nextMsg(b)
		if err != nil {
			return false, nil
		}
		b = rest
		ev, ok, err := parseProcEvent(m.data)
		if err != nil || !ok || ev.kind != procEventNone || ev.ack != ack {
			continue
		}
		if ev.err != 0 {
			return true, fmt.Errorf("%w: %w", errNoConnector, unix.Errno(ev.err))
		}
		return true, nil
	}
	return false, nil
}

// close asks the connector to stop (it counts its listeners) and closes
// the socket.
func (c *evConn) close() error {
	var req [sizeofListen]byte
	putListen(req[:], c.port, c.port, procCnMcastIgnore)
	_ = c.rc.Control(func(fd uintptr) {
		_ = unix.Sendto(int(fd), req[:], 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
	})
	return c.file.Close()
}

// evSink is told of the events.
type evSink interface {
	started(pid int, exec bool) // a new process (fork), or one that ran another program (exec)
	exited(pid int)             // a process exited
	lost()                      // the kernel dropped events (ENOBUFS)
}

// drain handles every event the socket holds.
func (c *evConn) drain(fresh evSink) error {
	var err error
	cerr := c.rc.Control(func(fd uintptr) { err = c.drainFD(int(fd), fresh) })
	if cerr != nil {
		return cerr
	}
	return err
}

// drainFD is drain on the socket's descriptor.
func (c *evConn) drainFD(fd int, fresh evSink) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		b, err := c.recv(fd)
		switch {
		case err == unix.EAGAIN:
			return nil
		case err == unix.ENOBUFS:
			fresh.lost()
			continue
		case err != nil:
			return err
		}
		c.read += handleEvents(b, fresh)
	}
}

// recv reads a datagram from the kernel without waiting.
func (c *evConn) recv(fd int) ([]byte, error) {
	for {
		c.fromLen = unix.SizeofSockaddrNetlink
		n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd),
			uintptr(unsafe.Pointer(&c.buf[0])), uintptr(len(c.buf)), unix.MSG_DONTWAIT,
			uintptr(unsafe.Pointer(&c.from)), uintptr(unsafe.Pointer(&c.fromLen)))
		switch {
		case e == unix.EINTR:
			continue
		case e != 0:
			return nil, e
		case c.from.Pid != 0: // not the kernel: only a privileged process can send here
			continue
		}
		return c.buf[:n], nil
	}
}

// handleEvents tells fresh of the events of datagram b: how many. What
// cannot be read is skipped: the events are hints, checked by the
// lookups.
func handleEvents(b []byte, fresh evSink) uint64 {
	var n uint64
	for len(b) > 0 {
		m, rest, err := nextMsg(b)
		if err != nil {
			return n
		}
		b = rest
		ev, ok, err := parseProcEvent(m.data)
		if err != nil || !ok || ev.thread {
			continue
		}
		n++
		switch ev.kind {
		case procEventFork, procEventExec:
			fresh.started(ev.pid, ev.kind == procEventExec)
		case procEventExit:
			fresh.exited(ev.pid)
		}
	}
	return n
}

// run handles the events as they come until ctx ends.
func (c *evConn) run(ctx context.Context, fresh evSink) error {
	if err := c.file.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.file.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var derr error
	err := c.rc.Read(func(fd uintptr) bool {
		derr = c.drainFD(int(fd), fresh)
		return derr != nil || ctx.Err() != nil
	})
	if ctx.Err() != nil {
		return nil
	}
	if derr != nil {
		return derr
	}
	return err
}

// handled counts the events handled.
func (c *evConn) handled() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read
}
