package procs

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// execEnv names the executable an "exec" helper execs.
const execEnv = "IFW_PROCS_TEST_EXEC"

// execHolding waits for a line on stdin, then execs the executable
// execEnv names as a "hold" helper, keeping c open across the exec.
func execHolding(c net.Conn, in *bufio.Reader) int {
	if _, err := in.ReadString('\n'); err != nil {
		return 1
	}
	sc, err := c.(syscall.Conn).SyscallConn()
	if err == nil {
		err = sc.Control(func(fd uintptr) { _, err = unix.FcntlInt(fd, unix.F_SETFD, 0) })
	}
	if err == nil {
		exe := os.Getenv(execEnv)
		err = syscall.Exec(exe, []string{filepath.Base(exe), "-test.run=^$"}, childEnviron("hold"))
	}
	fmt.Fprintln(os.Stderr, "exec:", err)
	return 1
}

// held waits for the "held" line of a helper.
func (h *holder) held(t testing.TB) {
	t.Helper()
	if line, err := h.out.ReadString('\n'); err != nil || line != "held\n" {
		t.Fatalf("helper: %q, %v; want held", line, err)
	}
}

func TestLookupExec(t *testing.T) {
	// A process execs another program, keeping its socket: the lookup
	// after the exec names the new program, through the same pin.
	f := newTestFinder(t, Config{}, false)
	dir := t.TempDir()
	alpha, beta := copyExe(t, dir, "alpha"), copyExe(t, dir, "beta")
	t.Setenv(execEnv, beta)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	h := startHolder(t, alpha, "exec tcp", dst)
	tuple := Tuple{Proto: ProtoTCP, Src: h.local, Dst: dst}
	before := lookupProcess(t, f, tuple)
	if before.Exe != alpha || before.Comm != "alpha" || before.PID != h.cmd.Process.Pid {
		t.Fatalf("before exec: %+v", before)
	}
	pin := f.dirs.get(before.PID)
	if pin == nil {
		t.Fatal("process not pinned")
	}
	if again := lookupProcess(t, f, tuple); again != before {
		t.Fatalf("cached: %+v, want %+v", again, before)
	}
	_, err = io.WriteString(h.stdin, "exec\n")
	must(t, err)
	h.held(t)
	after := lookupProcess(t, f, tuple)
	if after.Exe != beta || after.Comm != "beta" || after.PID != before.PID || after.Start != before.Start {
		t.Errorf("after exec: %+v, want exe %s of the same process %+v", after, beta, before)
	}
	if f.dirs.get(before.PID) != pin {
		t.Error("the exec changed the pin")
	}
	if st := f.Stats(); st.CacheHits != 2 || st.CacheMisses != 1 {
		t.Errorf("stats %+v: want 2 cache hits, 1 miss", st)
	}
}

// lookupProcess is Lookup's Process, failing the test on an error.
func lookupProcess(t *testing.T, f *Finder, tuple Tuple) Process {
	t.Helper()
	own, err := f.Lookup(tuple)
	if err != nil {
		t.Fatalf("Lookup(%s): %v", tuple, err)
	}
	return own.Process
}

// shareSocket passes a connection's socket to n "hold" helpers and
// closes the test's own descriptors of it.
func shareSocket(t *testing.T, n int) (Tuple, []*holder) {
	t.Helper()
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	fd, err := unix.Dup(cn.s.fd)
	must(t, err)
	file := os.NewFile(uintptr(fd), "socket")
	defer file.Close()
	var hs []*holder
	for range n { // all started first: each takes a while under -race
		h := spawnHolder(t, selfExe(t), "hold", file)
		t.Cleanup(h.stop)
		hs = append(hs, h)
	}
	for _, h := range hs {
		h.held(t)
	}
	must(t, cn.s.close())
	return cn.tuple, hs
}

func TestLookupHolderExit(t *testing.T) {
	// Two processes hold a socket; the one found exits: its pin fails,
	// is dropped, and the other is found.
	f := newTestFinder(t, Config{}, false)
	tuple, hs := shareSocket(t, 2)
	first := lookupProcess(t, f, tuple)
	if f.dirs.get(first.PID) == nil {
		t.Fatalf("%d not pinned", first.PID)
	}
	var other *holder
	for _, h := range hs {
		if h.cmd.Process.Pid == first.PID {
			h.stop()
		} else {
			other = h
		}
	}
	if other == nil {
		t.Fatalf("found %+v, not a helper", first)
	}
	if p := lookupProcess(t, f, tuple); p.PID != other.cmd.Process.Pid {
		t.Errorf("after %d exited: %+v, want pid %d", first.PID, p, other.cmd.Process.Pid)
	}
	if f.dirs.get(first.PID) != nil {
		t.Errorf("%d still pinned after it exited", first.PID)
	}
}

func TestPinEviction(t *testing.T) {
	// Lookups of several processes' sockets race with evictions (a pin
	// for two processes) and sweeps closing the pins; every lookup
	// names the right process, and Close leaves no pin open.
	const procs, workers, rounds = 5, 4, 40
	f := newTestFinder(t, Config{}, false)
	f.dirs = newProcDirs(2)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	var hs []*holder
	for range procs { // all started first: each takes a while under -race
		h := spawnHolder(t, selfExe(t), "tcp "+dst.String())
		t.Cleanup(h.stop)
		hs = append(hs, h)
	}
	for _, h := range hs {
		h.connected(t)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				f.dirs.closeAll()
			}
		}
	})
	var lookups sync.WaitGroup
	for w := range workers {
		lookups.Go(func() {
			for i := range rounds {
				h := hs[(w+i)%procs]
				own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: dst})
				if err != nil || own.Process.PID != h.cmd.Process.Pid {
					t.Errorf("Lookup of %d's socket: %+v, %v", h.cmd.Process.Pid, own, err)
					return
				}
			}
		})
	}
	lookups.Wait()
	close(stop)
	wg.Wait()
	must(t, f.Close())
	if n := f.dirs.len(); n != 0 {
		t.Errorf("%d pins after Close", n)
	}
	for _, h := range hs {
		if fds := openUnder(t, filepath.Join("/proc", strconv.Itoa(h.cmd.Process.Pid))); len(fds) > 0 {
			t.Errorf("descriptors of /proc/%d still open after Close: %v", h.cmd.Process.Pid, fds)
		}
	}
}

// openUnder lists the test process's descriptors of path and what is
// in it.
func openUnder(t *testing.T, path string) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	must(t, err)
	var open []string
	for _, e := range ents {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil && (link == path || strings.HasPrefix(link, path+"/")) {
			open = append(open, e.Name()+" -> "+link)
		}
	}
	return open
}
