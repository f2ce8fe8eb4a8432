package nfq

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Read hands each queued packet to handle, on the calling goroutine,
// until Stop (it then returns nil) or an error onErr does not forgive
// (onErr returns false; Read returns that error). onErr is told of
// ENOBUFS (the kernel lost packets: its socket buffer was full), of
// unreadable messages (ErrMessage) and of the kernel's errors about
// verdicts (*KernelError); a packet that cannot be read has no id to
// answer, and the kernel holds it until the queue is closed.
//
// It blocks in poll(2), not in Go's network poller: see the package
// documentation. Call it once.
func (q *Queue) Read(handle func(Packet), onErr func(error) bool) error {
	buf := make([]byte, bufSize)
	for _, d := range q.pending {
		if err := q.datagram(d, handle, onErr); err != nil {
			return err
		}
	}
	q.pending = nil
	fds := []unix.PollFd{{Fd: int32(q.fd), Events: unix.POLLIN}, {Fd: int32(q.stopFD), Events: unix.POLLIN}}
	for {
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return fmt.Errorf("nfq: poll: %w", err)
		}
		if fds[1].Revents != 0 {
			return nil
		}
		if err := q.receive(buf, handle, onErr); err != nil {
			return err
		}
	}
}

// receive reads one datagram, which poll said is there.
func (q *Queue) receive(buf []byte, handle func(Packet), onErr func(error) bool) error {
	n, _, flags, from, err := unix.Recvmsg(q.fd, buf, nil, unix.MSG_DONTWAIT)
	switch {
	case err == unix.EAGAIN || err == unix.EINTR:
		return nil
	case err != nil:
		err = fmt.Errorf("nfq: read queue %d: %w", q.queue, err)
		if onErr(err) {
			return nil
		}
		return err
	case !fromKernel(from):
		return nil
	case flags&unix.MSG_TRUNC != 0:
		return q.forgive(onErr, fmt.Errorf("%w: datagram over %d bytes", ErrMessage, len(buf)))
	}
	return q.datagram(buf[:n], handle, onErr)
}

// datagram hands the packets of one datagram to handle.
func (q *Queue) datagram(b []byte, handle func(Packet), onErr func(error) bool) error {
	for len(b) > 0 {
		m, rest, err := nextMessage(b)
		if err != nil {
			return q.forgive(onErr, err)
		}
		b = rest
		switch m.typ {
		case msgPacket:
			p, err := parsePacket(m.body)
			if err != nil {
				if err := q.forgive(onErr, err); err != nil {
					return err
				}
				continue
			}
			handle(p)
		case nlmsgError:
			if errno, err := errnoOf(m.body); err == nil && errno != 0 {
				if err := q.forgive(onErr, &KernelError{Op: "verdict", Errno: unix.Errno(errno)}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// forgive returns nil when onErr forgives err, else err.
func (q *Queue) forgive(onErr func(error) bool, err error) error {
	if onErr(err) {
		return nil
	}
	var ke *KernelError
	if errors.As(err, &ke) {
		return fmt.Errorf("nfq: queue %d: %w", q.queue, err)
	}
	return err
}
