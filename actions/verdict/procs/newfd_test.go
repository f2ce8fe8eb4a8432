package procs

import (
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestNewProcessHighFD: a new process whose socket is above the low
// descriptors read first (firstNewFD) is still found, through its pin;
// the next process running the same program has the descriptor its
// socket had read first, and found at the first read.
func TestNewProcessHighFD(t *testing.T) {
	f := eventsFinder(t)
	ln := testListener(t)
	var extra []*os.File
	for range newFDProbes + 4 { // the low descriptors are other files
		fl, err := os.Open(os.DevNull)
		must(t, err)
		defer fl.Close()
		extra = append(extra, fl)
	}
	var reads []uint64
	for range 2 {
		h := spawnHolder(t, selfExe(t), "wait tcp "+ln.Addr().String(), extra...)
		pid := h.cmd.Process.Pid
		waitPinned(t, f, pid)
		_, err := io.WriteString(h.stdin, "go\n")
		must(t, err)
		h.connected(t)
		m, err := f.socketOf(Tuple{Proto: ProtoTCP, Src: h.local, Dst: ln.Addr().(*net.TCPAddr).AddrPort()}, false)
		must(t, err)
		s := newScratch()
		s.reset(uint64(m.Inode))
		before := f.Stats().FDsRead
		p, err := f.try(pid, scanNew, f.table.Load(), s)
		if err != nil || p.PID != pid || p.Exe != selfExe(t) {
			t.Fatalf("try = %+v, %v; want pid %d running %s", p, err, pid, selfExe(t))
		}
		reads = append(reads, f.Stats().FDsRead-before)
		h.stop()
	}
	if reads[0] <= newFDProbes || reads[1] != 1 {
		t.Errorf("descriptor links read: %v; want more than %d, then 1", reads, newFDProbes)
	}
}

// waitPinned waits until the events had process pid read ahead.
func waitPinned(t *testing.T, f *Finder, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for f.dirs.get(pid) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process %d not pinned ahead: %+v", pid, f.Stats())
		}
		time.Sleep(time.Millisecond)
	}
}
