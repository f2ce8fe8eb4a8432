package procs

import (
	"fmt"
	"net"
	"time"
)

// finderReuse runs in pidReuse's namespaces, with the procfs of its PID
// namespace at dir: a helper holds a socket and is found and pinned; it
// exits, and a new helper with its PID holds the socket at the same
// descriptor. The lookup must name the new helper, through the dead
// pin, the cache entry of the old helper, and this process, which holds
// the socket too until the new helper got it. false if another process
// took the PID first.
func finderReuse(_ *procFS, dir string) (bool, error) { return finderReused(dir, false) }

// finderReuseSearch is finderReuse with the socket's cache entry
// forgotten before the second lookup: the search meets the dead pin
// (its descriptor directory reads as gone) and must read the new helper
// by path.
func finderReuseSearch(_ *procFS, dir string) (bool, error) { return finderReused(dir, true) }

func finderReused(dir string, search bool) (bool, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	defer ln.Close()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		return false, err
	}
	tuple := Tuple{Proto: ProtoTCP, Src: c.LocalAddr().(*net.TCPAddr).AddrPort(), Dst: c.RemoteAddr().(*net.TCPAddr).AddrPort()}
	file, err := c.(*net.TCPConn).File()
	_ = c.Close()
	if err != nil {
		return false, err
	}
	defer file.Close()
	old, err := startHold(file)
	if err != nil {
		return false, err
	}
	f, err := New(Config{Proc: dir}, nil)
	if err != nil {
		old.stop()
		return false, err
	}
	defer f.Close()
	return lookupReused(f, tuple, old, func(pid int) (*hold, error) {
		next, err := reuseNext(dir, pid, file)
		if next != nil {
			err = file.Close() // the new helper's is the only one left
		}
		if search {
			f.inodes.filter(func(uint64, ownerRef) bool { return false })
		}
		return next, err
	})
}

// lookupReused looks t up while old holds its socket, stops old, and
// looks t up again after reuse started a process with old's PID: it
// must be found, with its own start time. It waits a few clock ticks
// first: two processes started in the same tick with the same PID are
// one to any PID-based identity, but real reuse takes much longer.
func lookupReused(f *Finder, t Tuple, old *hold, reuse func(pid int) (*hold, error)) (bool, error) {
	pid := old.cmd.Process.Pid
	own, err := f.Lookup(t)
	old.stop()
	time.Sleep(30 * time.Millisecond)
	if err != nil || own.Process.PID != pid || f.dirs.get(pid) == nil {
		return false, fmt.Errorf("lookup before reuse: %+v, %v; want pid %d pinned", own, err, pid)
	}
	next, err := reuse(pid)
	if next == nil {
		return false, err
	}
	defer next.stop()
	again, err := f.Lookup(t)
	if err != nil || again.Process.PID != pid || again.Process.Start == own.Process.Start {
		return true, fmt.Errorf("lookup after reuse: %+v, %v; want pid %d started after %d", again, err, pid, own.Process.Start)
	}
	return true, nil
}
