package nfq

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// Config is a queue's setting.
type Config struct {
	Queue       uint16
	CopyRange   uint32 // bytes of each packet copied (the headers the caller reads)
	MaxQueueLen uint32 // packets the kernel holds for us; 0: its default
	Flags       uint32 // Flag*
	// RecvBuffer is the socket's receive buffer in bytes; 0 keeps the
	// system's default. A full buffer loses packets (the reader sees
	// ENOBUFS, the kernel counts them as user_dropped).
	RecvBuffer int
}

// maxPending bounds the packets kept while Open waits for the kernel's
// ack (they arrive once the queue is bound).
const maxPending = 1024

// ackSeconds bounds Open's wait for the kernel's answer to its request.
const ackSeconds = 5

// bufSize is the reader's buffer: one queue message per datagram, the
// copy range plus at most a few hundred bytes of headers and attributes.
const bufSize = 64 << 10

// Queue is a bound NFQUEUE queue.
type Queue struct {
	fd, stopFD int
	queue      uint16
	seq        uint32
	pending    [][]byte // datagrams read while binding, Read's first

	mu     sync.RWMutex // guards closed against Verdict
	closed bool
}

// Open binds queue cfg.Queue in the calling thread's network namespace
// and sets it up; the kernel's refusal of any setting is an error.
func Open(cfg Config) (*Queue, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
	if err != nil {
		return nil, fmt.Errorf("nfq: socket: %w", err)
	}
	q := &Queue{fd: fd, stopFD: -1, queue: cfg.Queue}
	if err := q.setup(cfg); err != nil {
		q.closeFDs()
		return nil, err
	}
	return q, nil
}

func (q *Queue) setup(cfg Config) error {
	if err := unix.Bind(q.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("nfq: bind socket: %w", err)
	}
	if cfg.RecvBuffer > 0 && unix.SetsockoptInt(q.fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, cfg.RecvBuffer) != nil {
		_ = unix.SetsockoptInt(q.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, cfg.RecvBuffer)
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return fmt.Errorf("nfq: eventfd: %w", err)
	}
	q.stopFD = efd
	attrs := []attr{cmdAttr(cmdBind), paramsAttr(cfg.CopyRange)}
	if cfg.MaxQueueLen > 0 {
		attrs = append(attrs, attr{cfgMaxLen, be32(cfg.MaxQueueLen)})
	}
	attrs = append(attrs, attr{cfgMask, be32(cfg.Flags)}, attr{cfgFlags, be32(cfg.Flags)})
	if err := unix.SetsockoptTimeval(q.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: ackSeconds}); err != nil {
		return fmt.Errorf("nfq: receive timeout: %w", err)
	}
	if err := q.request("bind", attrs...); err != nil {
		return err
	}
	if err := unix.SetsockoptTimeval(q.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{}); err != nil {
		return fmt.Errorf("nfq: receive timeout: %w", err)
	}
	return nil
}

// request sends a config message and waits for its ack; queue packets
// read meanwhile are kept for Read.
func (q *Queue) request(op string, attrs ...attr) error {
	q.seq++
	if _, err := unix.Write(q.fd, configMsg(q.seq, q.queue, attrs...)); err != nil {
		return fmt.Errorf("nfq: %s queue %d: %w", op, q.queue, err)
	}
	buf := make([]byte, bufSize)
	for {
		n, _, _, from, err := unix.Recvmsg(q.fd, buf, nil, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err == unix.EAGAIN {
			return fmt.Errorf("nfq: %s queue %d: no answer from the kernel in %d s", op, q.queue, ackSeconds)
		}
		if err != nil {
			return fmt.Errorf("nfq: %s queue %d: %w", op, q.queue, err)
		}
		if !fromKernel(from) {
			continue
		}
		done, err := q.ackOf(buf[:n], op)
		if done {
			return err
		}
	}
}

// ackOf looks for the ack of the last request in datagram b; a
// datagram of queued packets is kept for Read.
func (q *Queue) ackOf(b []byte, op string) (bool, error) {
	for rest := b; len(rest) > 0; {
		m, next, err := nextMessage(rest)
		if err != nil {
			return false, nil
		}
		rest = next
		switch {
		case m.typ == msgPacket:
			if len(q.pending) == maxPending {
				return true, fmt.Errorf("nfq: %s queue %d: no ack after %d packets", op, q.queue, maxPending)
			}
			q.pending = append(q.pending, append([]byte(nil), b...))
			return false, nil
		case m.typ == nlmsgError && m.seq == q.seq:
			errno, err := errnoOf(m.body)
			if err != nil {
				return true, err
			}
			if errno != 0 {
				return true, fmt.Errorf("nfq: queue %d: %w", q.queue, &KernelError{Op: op, Errno: unix.Errno(errno)})
			}
			return true, nil
		}
	}
	return false, nil
}

// fromKernel says whether a datagram came from the kernel (port 0).
func fromKernel(from unix.Sockaddr) bool {
	nl, ok := from.(*unix.SockaddrNetlink)
	return ok && nl.Pid == 0
}

// Verdict gives packet id its verdict (Accept, Drop, Repeat), with the
// packet mark set to mark when withMark. It may be called from any
// goroutine, also while Read runs.
func (q *Queue) Verdict(id, verdict, mark uint32, withMark bool) error {
	var b [verdictMarkLen]byte
	msg := putVerdict(b[:], q.queue, id, verdict, mark, withMark)
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return ErrClosed
	}
	for {
		_, err := unix.Write(q.fd, msg)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("nfq: verdict for packet %d: %w", id, err)
		}
		return nil
	}
}

// Stop makes Read return; it may be called from any goroutine, more
// than once.
func (q *Queue) Stop() {
	one := [8]byte{1}
	_, _ = unix.Write(q.stopFD, one[:])
}

// Close unbinds the queue (the kernel drops the packets still held) and
// closes it. Call it after Read returned.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	q.seq++
	_, _ = unix.Write(q.fd, configMsg(q.seq, q.queue, cmdAttr(cmdUnbind)))
	return q.closeFDs()
}

func (q *Queue) closeFDs() error {
	err := unix.Close(q.fd)
	if q.stopFD >= 0 {
		_ = unix.Close(q.stopFD)
	}
	return err
}
