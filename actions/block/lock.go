package block

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// lockPrefix starts the abstract unix socket name that stands for one set
// of one network namespace: abstract names are per network namespace, so
// "@ifw-ipset:ifw-block4" bound in a namespace is that namespace's
// ifw-block4, and the kernel frees it when its holder ends, kill -9
// included.
const lockPrefix = "@ifw-ipset:"

// ErrInUse matches a *InUseError.
var ErrInUse = errors.New("block: set in use by another daemon")

// InUseError: another process holds a set's lock.
type InUseError struct {
	Set   string // the set's name
	NetNS string // the namespace's path; empty for the caller's own
	PID   int    // the holder's PID (SO_PEERCRED); 0 when unknown
}

func (e *InUseError) Error() string {
	ns := "this network namespace"
	if e.NetNS != "" {
		ns = "network namespace " + e.NetNS
	}
	pid := "PID unknown"
	if e.PID > 0 {
		pid = "PID " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("block: ipset %s of %s is in use by another ifw daemon (%s); one daemon per ipset", e.Set, ns, pid)
}

func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// SetsLock is a process's hold on every set of a Sets: while it is held,
// Lock of the same sets in the same namespace fails with an *InUseError
// naming this process. Two daemons on one set would each take the other's
// entries for blocks without a record and delete them.
type SetsLock struct {
	ls []*net.UnixListener
	wg sync.WaitGroup
}

// Lock takes the lock of each of the four sets in their namespace. The
// locks answer connections (so a refused Lock can name the holder's PID)
// until Release.
func (s *Sets) Lock() (*SetsLock, error) {
	l := &SetsLock{}
	for _, spec := range s.specs() {
		ul, err := s.lockOne(spec.name)
		if err != nil {
			l.Release()
			return nil, err
		}
		l.ls = append(l.ls, ul)
		l.wg.Add(1)
		go l.answer(ul)
	}
	return l, nil
}

// lockOne binds the set's abstract name in the sets' namespace; when it is
// taken, it asks the holder's PID.
func (s *Sets) lockOne(set string) (*net.UnixListener, error) {
	addr := &net.UnixAddr{Name: lockPrefix + set, Net: "unix"}
	var ul *net.UnixListener
	var pid int
	err := inNetNS(s.ns, func() error {
		var err error
		if ul, err = net.ListenUnix("unix", addr); err == nil || !errors.Is(err, unix.EADDRINUSE) {
			return err
		}
		pid = holderPID(addr)
		return err
	})
	switch {
	case errors.Is(err, unix.EADDRINUSE):
		return nil, &InUseError{Set: set, NetNS: s.cfg.NetNS, PID: pid}
	case err != nil:
		return nil, fmt.Errorf("block: lock of set %s: %w", set, err)
	}
	return ul, nil
}

// holderPID connects to a held lock and reads its holder's PID.
func holderPID(addr *net.UnixAddr) int {
	c, err := net.DialUnix("unix", nil, addr)
	if err != nil {
		return 0
	}
	defer c.Close()
	raw, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	var cred *unix.Ucred
	if err := raw.Control(func(fd uintptr) {
		cred, _ = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil || cred == nil {
		return 0
	}
	return int(cred.Pid)
}

// answer accepts and closes connections (a refused Lock asking for the
// PID) until the listener is closed.
func (l *SetsLock) answer(ul *net.UnixListener) {
	defer l.wg.Done()
	for {
		c, err := ul.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// Release drops every lock and waits for their goroutines.
func (l *SetsLock) Release() {
	if l == nil {
		return
	}
	for _, ul := range l.ls {
		ul.Close()
	}
	l.wg.Wait()
	l.ls = nil
}

// inNetNS runs f on a thread in namespace ns (netns.None(): the caller's
// own), so the sockets f makes belong to ns. A thread that cannot go back
// stays locked, and Go ends it with its goroutine.
func inNetNS(ns netns.NsHandle, f func() error) error {
	if !ns.IsOpen() {
		return f()
	}
	runtime.LockOSThread()
	cur, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer cur.Close()
	if err := netns.Set(ns); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	err = f()
	if serr := netns.Set(cur); serr != nil {
		return errors.Join(err, serr)
	}
	runtime.UnlockOSThread()
	return err
}
