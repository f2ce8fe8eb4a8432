package procs

import (
	"encoding/binary"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// eventMsg builds a netlink message of the process connector holding
// event what with the event_data words data.
func eventMsg(what uint32, data ...uint32) []byte {
	body := make([]byte, sizeofProcEventHead+4*max(len(data), 6))
	binary.NativeEndian.PutUint32(body[0:], what)
	for i, w := range data {
		binary.NativeEndian.PutUint32(body[sizeofProcEventHead+4*i:], w)
	}
	cn := make([]byte, sizeofCnMsg, sizeofCnMsg+len(body))
	binary.NativeEndian.PutUint32(cn[0:], cnIdxProc)
	binary.NativeEndian.PutUint32(cn[4:], cnValProc)
	binary.NativeEndian.PutUint16(cn[16:], uint16(len(body)))
	cn = append(cn, body...)
	m := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(cn)+4)
	binary.NativeEndian.PutUint32(m[0:], uint32(unix.SizeofNlMsghdr+len(cn)))
	binary.NativeEndian.PutUint16(m[4:], unix.NLMSG_DONE)
	m = append(m, cn...)
	for len(m)%unix.NLMSG_ALIGNTO != 0 {
		m = append(m, 0)
	}
	return m
}

// recSink records what it is told.
type recSink struct{ started, exited []int }

type sinkFuncs struct{ r *recSink }

func (s sinkFuncs) started(pid int, _ bool) { s.r.started = append(s.r.started, pid) }
func (s sinkFuncs) exited(pid int)          { s.r.exited = append(s.r.exited, pid) }
func (s sinkFuncs) lost()                   {}

// TestHandleEvents: process forks and execs are new processes, process
// exits exits; threads, other kinds, other connectors and broken
// messages are skipped.
func TestHandleEvents(t *testing.T) {
	var b []byte
	b = append(b, eventMsg(procEventFork, 1, 1, 100, 100)...)     // a process
	b = append(b, eventMsg(procEventFork, 100, 100, 101, 100)...) // a thread
	b = append(b, eventMsg(procEventExec, 100, 100)...)
	b = append(b, eventMsg(0x200, 100, 100)...) // comm
	b = append(b, eventMsg(procEventExit, 101, 100, 0, 0)...)
	b = append(b, eventMsg(procEventExit, 100, 100, 0, 0)...)
	other := eventMsg(procEventExec, 7, 7)
	binary.NativeEndian.PutUint32(other[unix.SizeofNlMsghdr:], 9) // another connector
	b = append(b, other...)
	short := eventMsg(procEventExec, 8, 8)
	binary.NativeEndian.PutUint16(short[unix.SizeofNlMsghdr+16:], 4) // a payload too short
	b = append(b, short...)
	var r recSink
	n := handleEvents(b, sinkFuncs{&r})
	if n != 3 || !slices.Equal(r.started, []int{100, 100}) || !slices.Equal(r.exited, []int{100}) {
		t.Errorf("handled %d: started %v, exited %v; want 3: [100 100], [100]", n, r.started, r.exited)
	}
}

// TestAck: the acknowledgement of the listen request is told by its ack
// number, and its error is returned.
func TestAck(t *testing.T) {
	ack := eventMsg(procEventNone, uint32(unix.EPERM))
	binary.NativeEndian.PutUint32(ack[unix.SizeofNlMsghdr+12:], 43)
	if found, _ := findAck(ack, 42); found {
		t.Error("an acknowledgement of another request taken")
	}
	if found, err := findAck(ack, 43); !found || err == nil {
		t.Errorf("findAck = %v, %v; want true and EPERM", found, err)
	}
}

func FuzzParseProcEvent(f *testing.F) {
	for _, m := range [][]byte{eventMsg(procEventFork, 1, 1, 2, 2), eventMsg(procEventExec, 3, 3),
		eventMsg(procEventExit, 4, 4), eventMsg(procEventNone, 0)} {
		f.Add(m[unix.SizeofNlMsghdr:])
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, ok, err := parseProcEvent(raw)
		if err != nil && ok {
			t.Fatalf("ok with error %v", err)
		}
		if ok && ev.kind != procEventNone && ev.pid <= 0 {
			t.Fatalf("event %+v of no pid", ev)
		}
		var r recSink
		msg := append(eventMsg(procEventNone)[:unix.SizeofNlMsghdr:unix.SizeofNlMsghdr], raw...)
		binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
		handleEvents(msg, sinkFuncs{&r})
		if len(r.started)+len(r.exited) > 1 {
			t.Fatalf("one message told of %v and %v", r.started, r.exited)
		}
	})
}
