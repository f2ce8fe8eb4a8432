package procs

import (
	"errors"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestSearchOrder(t *testing.T) {
	// Processes of users 0 and 1000; each step's descriptor scans say
	// which processes were searched before the holder was found.
	fp := newFakeProc(t)
	fp.add(10, fakeProcess{comm: "root", start: 100, uid: 0, exe: "/bin/r", fds: map[int]string{3: sockLink(1)}})
	fp.add(20, fakeProcess{comm: "old", start: 200, uid: 1000, exe: "/bin/o", fds: map[int]string{3: sockLink(2)}})
	fp.add(30, fakeProcess{comm: "new", start: 300, uid: 1000, exe: "/bin/n", fds: map[int]string{3: sockLink(3)}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	steps := []struct {
		name   string
		before func()
		inode  uint64
		uid    uint32
		pid    int
		scans  uint64 // descriptor directories opened, for probes or all
		full   uint64 // searches that went past the user's processes
	}{
		{name: "user's newest first", inode: 2, uid: 1000, pid: 20, scans: 2},
		{name: "hot first", before: func() { fp.addFD(20, 4, sockLink(4)) }, inode: 4, uid: 1000, pid: 20, scans: 1},
		{name: "fresh process before the user's others", before: func() {
			fp.add(40, fakeProcess{comm: "fresh", start: 400, uid: 1000, exe: "/bin/f", fds: map[int]string{3: sockLink(5)}})
		}, inode: 5, uid: 1000, pid: 40, scans: 2},
		// Probes of the hot 40 and 20, then all of them, then 30, then 10.
		{name: "socket of another user (setuid)", before: func() { fp.addFD(10, 4, sockLink(6)) }, inode: 6, uid: 1000, pid: 10, scans: 6, full: 1},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		before := f.Stats()
		p, err := f.ownerOf(s.inode, s.uid, false)
		if err != nil || p.PID != s.pid {
			t.Fatalf("%s: %+v, %v; want pid %d", s.name, p, err, s.pid)
		}
		st := f.Stats()
		if scans, full := st.FDScans-before.FDScans, st.FullScans-before.FullScans; scans != s.scans || full != s.full {
			t.Errorf("%s: %d scans and %d full searches, want %d and %d", s.name, scans, full, s.scans, s.full)
		}
	}
}

func TestFakeProcLookup(t *testing.T) {
	// A real socket, held (as procfs tells it) by a fabricated process.
	cn := tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
	fp := newFakeProc(t)
	fp.add(4242, fakeProcess{comm: "holder", start: 77, exe: "/opt/holder", fds: map[int]string{9: sockLink(cn.s.inode(t))}})
	fp.add(4243, fakeProcess{comm: "bystander", start: 78, exe: "/opt/other", fds: map[int]string{3: "/dev/null"}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	own, err := f.Lookup(cn.tuple)
	if err != nil {
		t.Fatal(err)
	}
	if own.Inode != cn.s.inode(t) || own.Process.PID != 4242 || own.Process.Exe != "/opt/holder" || own.Process.Start != 77 {
		t.Errorf("owner %+v", own)
	}
	// An empty tree: the socket is there, no process holds it.
	f = newTestFinder(t, Config{Proc: t.TempDir()}, false)
	own, err = f.Lookup(cn.tuple)
	if !errors.Is(err, ErrNoProcess) || own.Inode != cn.s.inode(t) || own.Process.PID != 0 {
		t.Errorf("empty /proc: %+v, %v; want the inode and ErrNoProcess", own, err)
	}
}

func TestRunSweep(t *testing.T) {
	// Run forgets exited processes and notices reused PIDs.
	fp := newFakeProc(t)
	fp.add(10, fakeProcess{comm: "a", start: 1, exe: "/bin/a", fds: map[int]string{3: sockLink(1), 4: sockLink(2)}})
	fp.add(20, fakeProcess{comm: "b", start: 2, exe: "/bin/b", fds: map[int]string{3: sockLink(3)}})
	f := newTestFinder(t, Config{Proc: fp.root, Refresh: MinRefresh}, true)
	for _, inode := range []uint64{2, 3} {
		if _, err := f.ownerOf(inode, 0, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.dirs.len(); n != 2 {
		t.Fatalf("%d processes pinned, want 2", n)
	}
	fp.remove(10)
	fp.setStart(20, "b2", 9) // PID 20 reused
	waitFor(t, func() bool {
		st := f.Stats()
		return st.CachedInodes == 0 && st.PIDReuse == 1 && st.Processes == 1
	})
	waitFor(t, func() bool { return f.procs.len() == 0 && f.hot.len() == 0 && f.dirs.len() == 0 })
}

// waitFor polls cond for up to a minute (a guard against a hang).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSocketOnStdin: a socket held at descriptor 0 only (inetd style),
// which scans read last, is found all the same.
func TestSocketOnStdin(t *testing.T) {
	for _, cfg := range []Config{{}, {NoEvents: true}} {
		f := newTestFinder(t, cfg, true)
		ln := testListener(t)
		c, tuple := dialTuple(t, ln)
		file, err := c.File()
		must(t, err)
		cmd := exec.Command("sleep", "60")
		cmd.Stdin = file
		must(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		must(t, file.Close())
		must(t, c.Close())
		own, err := f.Lookup(tuple)
		if err != nil || own.Process.PID != cmd.Process.Pid {
			t.Errorf("events %v: Lookup = %+v, %v; want sleep, pid %d", !cfg.NoEvents, own, err, cmd.Process.Pid)
		}
	}
}
