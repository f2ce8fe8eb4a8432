package procs

import (
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// eventsFinder is a Finder with Run going that listens to the process
// events; the test is skipped where the connector is not there (not
// root, a container).
func eventsFinder(t *testing.T) *Finder {
	t.Helper()
	f := newTestFinder(t, Config{}, true)
	if f.events == nil {
		t.Skip("no process connector here (root in the host's namespaces needed)")
	}
	return f
}

// TestEventsFindNewProcess: the connection of a process started after
// the last refresh is attributed without listing /proc: the events told
// of the process.
func TestEventsFindNewProcess(t *testing.T) {
	f := eventsFinder(t)
	must(t, f.refresh())
	ln := testListener(t)
	exe := selfExe(t)
	for range 3 {
		h := spawnHolder(t, exe, "wait tcp "+ln.Addr().String())
		_, err := io.WriteString(h.stdin, "go\n")
		must(t, err)
		h.connected(t)
		before := f.Stats()
		own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()})
		if err != nil || own.Process.PID != h.cmd.Process.Pid {
			t.Fatalf("Lookup = %+v, %v; want pid %d", own, err, h.cmd.Process.Pid)
		}
		after := f.Stats()
		if after.ProcDirListings != before.ProcDirListings {
			t.Errorf("the search listed /proc: %+v", after)
		}
		h.stop()
	}
	if st := f.Stats(); !st.ProcEvents || st.ProcEventsRead == 0 {
		t.Errorf("stats = %+v, want events read", st)
	}
}

// TestEventsReadAhead: a process that ran a program is read and pinned
// before its first connection, which then finds it pinned.
func TestEventsReadAhead(t *testing.T) {
	f := eventsFinder(t)
	ln := testListener(t)
	h := spawnHolder(t, selfExe(t), "wait tcp "+ln.Addr().String())
	defer h.stop()
	pid := h.cmd.Process.Pid
	deadline := time.Now().Add(time.Minute)
	for f.dirs.get(pid) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process %d not pinned ahead: %+v", pid, f.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	_, err := io.WriteString(h.stdin, "go\n")
	must(t, err)
	h.connected(t)
	before := f.Stats().ReadAhead
	own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()})
	if err != nil || own.Process.PID != pid || own.Process.Exe != selfExe(t) {
		t.Fatalf("Lookup = %+v, %v; want pid %d running %s", own, err, pid, selfExe(t))
	}
	if st := f.Stats(); st.ReadAhead != before || st.ReadAhead == 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestEventsLostListsProc: after a loss of events (ENOBUFS), the search
// lists /proc until a refresh that started after the loss, and finds the
// new process either way.
func TestEventsLostListsProc(t *testing.T) {
	f := eventsFinder(t)
	must(t, f.refresh())
	ln := testListener(t)
	exe := selfExe(t)
	lookup := func() {
		t.Helper()
		h := spawnHolder(t, exe, "wait tcp "+ln.Addr().String())
		defer h.stop()
		_, err := io.WriteString(h.stdin, "go\n")
		must(t, err)
		h.connected(t)
		own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()})
		if err != nil || own.Process.PID != h.cmd.Process.Pid {
			t.Fatalf("Lookup = %+v, %v; want pid %d", own, err, h.cmd.Process.Pid)
		}
	}
	f.sink.lost()
	lookup()
	if st := f.Stats(); st.ProcDirListings != 1 || st.ProcEventsLost != 1 {
		t.Errorf("after a loss: %d listings, %d losses; want 1, 1", st.ProcDirListings, st.ProcEventsLost)
	}
	must(t, f.refresh())
	lookup()
	if st := f.Stats(); st.ProcDirListings != 1 {
		t.Errorf("after a refresh: %d listings, want still 1", st.ProcDirListings)
	}
}

// TestNoEventsListsProc: without events the search lists /proc.
func TestNoEventsListsProc(t *testing.T) {
	f := newTestFinder(t, Config{NoEvents: true}, false)
	ln := testListener(t)
	h, tuple := connectNew(t, ln)
	lookupHolder(t, f, tuple, h)
	if st := f.Stats(); st.ProcEvents || st.ProcDirListings == 0 {
		t.Errorf("stats = %+v, want no events and a listing", st)
	}
}

// testListener accepts and holds connections until the test ends.
func testListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = c.Read(make([]byte, 1)); _ = c.Close() }()
		}
	}()
	return ln
}

// TestEventsENOBUFS: events the kernel dropped because nothing read the
// socket in time (a tiny receive buffer, a burst of short programs) are
// noticed at the next drain: the search lists /proc and still finds the
// new process, and the loss is counted.
func TestEventsENOBUFS(t *testing.T) {
	f := newTestFinder(t, Config{}, false) // no Run: only lookups drain
	if f.events == nil {
		t.Skip("no process connector here (root in the host's namespaces needed)")
	}
	must(t, f.refresh())
	must(t, f.events.rc.Control(func(fd uintptr) {
		must(t, unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, 0)) // the kernel's minimum
	}))
	for range 50 {
		must(t, exec.Command("true").Run())
	}
	ln := testListener(t)
	h, tuple := connectNew(t, ln)
	lookupHolder(t, f, tuple, h)
	if st := f.Stats(); st.ProcEventsLost == 0 || st.ProcDirListings != 1 {
		t.Errorf("stats %+v: want a loss counted and the search listing /proc", st)
	}
}

// TestEventsFreshFirst: with events, a new process of the socket's user
// is the first place searched, before the recent holders' descriptors.
func TestEventsFreshFirst(t *testing.T) {
	f := eventsFinder(t)
	ln := testListener(t)
	own, ownTuple := dialTuple(t, ln) // the test becomes a recent holder
	defer drop(own)
	if _, err := f.Lookup(ownTuple); err != nil {
		t.Fatal(err)
	}
	h, tuple := connectNew(t, ln)
	must(t, f.events.drain(f.sink)) // what the reader may not have handled yet
	s := newScratch()
	first := f.freshFirstPhase(f.table.Load(), uint32(os.Getuid()), s)
	// The holder is there, unless as many processes of the user started
	// after it (the machine is shared: they come first, newest first).
	if !slices.Contains(first, h.cmd.Process.Pid) {
		f.fresh.mu.Lock()
		seq, after := f.fresh.pids[h.cmd.Process.Pid], 0
		for _, pid := range first {
			if at, ok := f.fresh.pids[pid]; !ok || at > seq { // !ok: exited since
				after++
			}
		}
		f.fresh.mu.Unlock()
		if seq == 0 || len(first) != freshFirst || after != freshFirst {
			t.Errorf("first phase %v lacks the new process %d", first, h.cmd.Process.Pid)
		}
	}
	lookupHolder(t, f, tuple, h)
}

// TestEventsNewerProcessesNotListed: programs started after the one
// that connects (a build, a shell pipeline) come first in the search,
// newest first, but only their likely descriptors are read by name: the
// descriptor directory of a process with many is not listed on the way
// to the one that connected.
func TestEventsNewerProcessesNotListed(t *testing.T) {
	f := eventsFinder(t)
	ln := testListener(t)
	h, tuple := connectNew(t, ln)
	const many = 40
	var files []*os.File
	for range many {
		fh, err := os.Open(os.DevNull)
		must(t, err)
		defer fh.Close()
		files = append(files, fh)
	}
	for range freshFirst - 1 { // newer, each with many descriptors
		n := spawnHolder(t, selfExe(t), "hold", files...)
		defer n.stop()
		n.held(t)
	}
	must(t, f.events.drain(f.sink))
	first := f.freshFirstPhase(f.table.Load(), uint32(os.Getuid()), newScratch())
	before := f.Stats().FDsRead
	lookupHolder(t, f, tuple, h)
	// Only when the first phase had it: processes of the user started
	// meanwhile elsewhere on the machine come first, and may push it out.
	if read := f.Stats().FDsRead - before; slices.Contains(first, h.cmd.Process.Pid) && read >= many {
		t.Errorf("%d descriptor links read to find it past %d newer processes of %d descriptors: they were listed", read, freshFirst-1, many)
	}
}

// connectNew starts a helper process that connects to ln and holds the
// connection until the test ends: it and its connection's tuple.
func connectNew(t *testing.T, ln net.Listener) (*holder, Tuple) {
	t.Helper()
	h := spawnHolder(t, selfExe(t), "wait tcp "+ln.Addr().String())
	t.Cleanup(h.stop)
	_, err := io.WriteString(h.stdin, "go\n")
	must(t, err)
	h.connected(t)
	return h, Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()}
}

// lookupHolder fails t unless f finds h behind tuple.
func lookupHolder(t *testing.T, f *Finder, tuple Tuple, h *holder) {
	t.Helper()
	own, err := f.Lookup(tuple)
	if err != nil || own.Process.PID != h.cmd.Process.Pid {
		t.Fatalf("Lookup = %+v, %v; want pid %d", own, err, h.cmd.Process.Pid)
	}
}
