package procs

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// errReused says the PID changed hands while its process was being read.
var errReused = errors.New("procs: PID reused while reading")

// readProcess returns the process pid if it holds s.want at descriptor
// fd (any process for fd -1: prewarm), read by path. It reads the start time, then the descriptor and exe
// links, then the start time again: the same start time before and after
// means the same process held the socket and ran the executable read,
// and not another that took over the PID meanwhile. Both reads are of
// one open stat file, which stays bound to the process it was opened
// for: once that one exits, it reads as an error whoever has the PID.
// Between them, the process's directory is pinned (procDir) unless it
// is already, for processOf to check it cheaply next time.
func (f *Finder) readProcess(pid, fd int, s *scratch) (Process, error) {
	sfd, err := f.proc.open(pid, "stat")
	if err != nil {
		return Process{}, err
	}
	defer unix.Close(sfd)
	b, err := readAll(sfd, s.file[:])
	if err != nil {
		return Process{}, err
	}
	comm, start, err := parseStat(b)
	if err != nil {
		return Process{}, fmt.Errorf("procs: stat of %d: %w", pid, err)
	}
	if fd >= 0 && !f.holds(pid, fd, s) {
		return Process{}, errGone
	}
	link, err := f.proc.readlink(pid, "exe", s.link[:])
	if err != nil {
		return Process{}, err
	}
	pi, err := f.procInfo(procKey{pid, start}, comm, link, s)
	if err != nil {
		return Process{}, err
	}
	d := f.pin(pid, start)
	if f.afterRead != nil {
		f.afterRead(pid)
	}
	if err := f.sameStart(sfd, pid, start, s); err != nil {
		if d != nil {
			d.close()
		}
		return Process{}, err
	}
	if d != nil {
		f.dirs.put(pid, d)
	}
	return pi.p, nil
}

// pin opens the directory of the process that has pid now, expected to
// be the one started at start; nil if that one is pinned already or the
// directory cannot be opened (the lookup goes on without).
func (f *Finder) pin(pid int, start uint64) *procDir {
	if d := f.dirs.get(pid); d != nil && d.start == start {
		return nil
	}
	d, err := openProcDir(f.proc, pid, start)
	if err != nil {
		f.log.Debug("procs: pin process", "pid", pid, "err", err)
		return nil
	}
	return d
}

// procInfo returns the cached process k if its exe link, name and (when
// hashing) executable file are unchanged, else reads it anew and caches
// it. A read ahead (s.ahead) does not hash: the executables of every
// program run would be, most of which never connect; the process's first
// lookup hashes it. comm and link point into s's buffers.
func (f *Finder) procInfo(k procKey, comm, link []byte, s *scratch) (*procInfo, error) {
	pi := f.procs.get(k)
	var sum string
	var file fileKey
	if f.hash != nil && !s.ahead {
		var err error
		if sum, file, err = f.hash.sum(f.proc, k.pid, s.quick); err != nil {
			return nil, err
		}
	}
	if pi != nil && pi.sameLink(link) && pi.sameComm(comm) && pi.file == file {
		return pi, nil
	}
	name := string(comm) // before s.file is read over
	b, err := f.proc.readFile(k.pid, "status", s.file[:])
	if err != nil {
		return nil, err
	}
	uid, err := parseStatusUID(b)
	if err != nil {
		return nil, fmt.Errorf("procs: status of %d: %w", k.pid, err)
	}
	pi = newProcInfo(k.pid, k.start, name, link, uid)
	pi.p.SHA256, pi.file = sum, file
	if ns, other := f.proc.otherUserNS(k.pid, f.userNS, s.link[:]); other {
		// Its exe link may be any file: neither it nor its digest says
		// what runs.
		pi.p.Exe, pi.p.SHA256, pi.p.Unverified = userNSPrefix+ns+":"+pi.p.Exe, "", true
	} else if !pi.p.Deleted {
		if ns, foreign := f.proc.foreignExe(k.pid, pi.p.Exe, s.link[:]); foreign {
			pi.p.Exe, pi.p.Foreign = "mnt:"+ns+":"+pi.p.Exe, true
		}
	}
	f.procs.put(k, pi)
	return pi, nil
}

// sameStart reads pid's start time again from its open stat file sfd:
// errReused if it changed.
func (f *Finder) sameStart(sfd, pid int, start uint64, s *scratch) error {
	b, err := readAll(sfd, s.file[:])
	if err != nil {
		return err
	}
	_, now, err := parseStat(b)
	if err != nil {
		return fmt.Errorf("procs: stat of %d: %w", pid, err)
	}
	if now != start {
		f.stats.pidReuse.Add(1)
		return errReused
	}
	return nil
}
