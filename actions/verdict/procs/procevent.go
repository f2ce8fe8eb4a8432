package procs

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// The process connector's wire format (linux/connector.h, linux/cn_proc.h).
const (
	cnIdxProc         = 1 // CN_IDX_PROC: the multicast group and connector index
	cnValProc         = 1 // CN_VAL_PROC
	sizeofCnMsg       = 20
	procCnMcastListen = 1 // PROC_CN_MCAST_LISTEN
	procCnMcastIgnore = 2 // PROC_CN_MCAST_IGNORE

	// The event kinds (proc_event.what) read here; the others (uid, gid,
	// sid, ptrace, comm, coredump) are skipped.
	procEventNone = 0          // the acknowledgement of a listen request
	procEventFork = 1          // a task was created: a process if child pid == child tgid
	procEventExec = 2          // a process ran execve
	procEventExit = 0x80000000 // a task exited: the process if pid == tgid

	// sizeofProcEventHead is proc_event up to its event_data union: what,
	// cpu, timestamp_ns.
	sizeofProcEventHead = 16
)

// procEvent is one event of the process connector that matters to the
// finder.
type procEvent struct {
	kind uint32 // procEventNone, Fork, Exec or Exit
	pid  int    // the new process (fork), the process (exec, exit)
	// thread: a fork that made a thread, or the exit of a thread that is
	// not its process's leader: nothing to the finder.
	thread bool
	err    uint32 // of an acknowledgement (procEventNone)
	// ack of an acknowledgement: the ack number of the request it
	// answers, plus one (its sequence number is the connector's).
	ack uint32
}

// parseProcEvent reads the connector message of one netlink message's
// payload. ok is false for a message that is not a process event, or an
// event of a kind the finder does not read; an error means it is not
// what the kernel sends.
func parseProcEvent(data []byte) (ev procEvent, ok bool, err error) {
	if len(data) < sizeofCnMsg {
		return procEvent{}, false, fmt.Errorf("%w: connector message of %d bytes", errMalformed, len(data))
	}
	idx, val := binary.NativeEndian.Uint32(data[0:]), binary.NativeEndian.Uint32(data[4:])
	n := int(binary.NativeEndian.Uint16(data[16:]))
	if idx != cnIdxProc || val != cnValProc {
		return procEvent{}, false, nil
	}
	body := data[sizeofCnMsg:]
	if n > len(body) {
		return procEvent{}, false, fmt.Errorf("%w: connector payload of %d bytes in %d", errMalformed, n, len(body))
	}
	body = body[:n]
	if len(body) < sizeofProcEventHead+8 {
		return procEvent{}, false, fmt.Errorf("%w: process event of %d bytes", errMalformed, len(body))
	}
	ev.kind = binary.NativeEndian.Uint32(body[0:])
	d := body[sizeofProcEventHead:]
	u32 := func(off int) int { return int(binary.NativeEndian.Uint32(d[off:])) }
	switch ev.kind {
	case procEventNone:
		ev.err, ev.ack = binary.NativeEndian.Uint32(d[0:]), binary.NativeEndian.Uint32(data[12:])
	case procEventFork: // parent pid, parent tgid, child pid, child tgid
		if len(d) < 16 {
			return procEvent{}, false, fmt.Errorf("%w: fork event of %d bytes", errMalformed, len(body))
		}
		ev.pid, ev.thread = u32(12), u32(8) != u32(12)
	case procEventExec: // pid, tgid
		ev.pid = u32(4)
	case procEventExit: // pid, tgid, ...
		ev.pid, ev.thread = u32(4), u32(0) != u32(4)
	default:
		return procEvent{}, false, nil
	}
	if ev.kind != procEventNone && ev.pid <= 0 {
		return procEvent{}, false, fmt.Errorf("%w: process event %#x of pid %d", errMalformed, ev.kind, ev.pid)
	}
	return ev, true, nil
}

// putListen writes into b (sizeofListen bytes) the request to start (op
// procCnMcastListen) or stop (procCnMcastIgnore) the events to the
// socket of netlink port port; the connector's acknowledgement carries
// ack+1.
func putListen(b []byte, port, ack, op uint32) {
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], unix.NLMSG_DONE)
	binary.NativeEndian.PutUint16(b[6:], 0)
	binary.NativeEndian.PutUint32(b[8:], 0)
	binary.NativeEndian.PutUint32(b[12:], port)
	c := b[unix.SizeofNlMsghdr:]
	binary.NativeEndian.PutUint32(c[0:], cnIdxProc)
	binary.NativeEndian.PutUint32(c[4:], cnValProc)
	binary.NativeEndian.PutUint32(c[8:], 0)
	binary.NativeEndian.PutUint32(c[12:], ack)
	binary.NativeEndian.PutUint16(c[16:], 4)
	binary.NativeEndian.PutUint16(c[18:], 0)
	binary.NativeEndian.PutUint32(c[sizeofCnMsg:], op)
}

// sizeofListen is the length of a listen request.
const sizeofListen = unix.SizeofNlMsghdr + sizeofCnMsg + 4
