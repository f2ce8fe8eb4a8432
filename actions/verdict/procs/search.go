package procs

import (
	"slices"
)

// search looks through the processes' descriptors for socket inode,
// created by user uid, trying the likeliest first and stopping at the
// first that holds it:
//
//  0. with process events, the newest freshFirst processes of uid they
//     told of since the table's refresh (the one, whatever its user, when
//     there is one), their likely descriptors only, read by name (the
//     number their program's last new process used, then the low ones):
//     a program just started, with few descriptors, is the likeliest
//     holder of a socket no cache knows, more than the recent holders,
//     whose hinted descriptors can be many. No listing: when programs
//     start by the hundred (a build), the newest is often not the one
//     connecting, and a listing of each would cost more than these reads
//     of all of them; a few at most, so that such a build costs a known
//     process's new connection little;
//  1. the descriptor numbers at which the processes that recently held
//     sockets of uid, most recent first, last had them (see fdHint);
//  2. processes started since the table's last refresh, of uid or of an
//     unknown user, newest first: a new connection is often a new
//     process's first, and a new process has few descriptors;
//  3. all descriptors of those recent processes;
//  4. the table's other processes of uid, newest first;
//  5. processes whose user is unknown;
//  6. every other process: a socket outlives a setuid, and descriptors
//     are inherited and passed between processes.
//
// Every socket met on the way is recorded in the cache. A zero Process
// and no error mean no process holds inode.
func (f *Finder) search(inode uint64, uid uint32, s *scratch) (Process, error) {
	t := f.table.Load()
	phases := [...]struct {
		list func(*table, uint32, *scratch) []int
		how  scanHow
	}{
		{f.freshFirstPhase, scanNewProbes}, {f.hotPhase, scanHinted}, {f.freshPhase, scanNew}, {f.hotPhase, scanAll},
		{userPhase, scanAll}, {unknownPhase, scanAll}, {restPhase, scanAll},
	}
	for i, phase := range phases {
		if s.quick && i == quickPhases {
			return Process{}, ErrSlow
		}
		if i == len(phases)-1 {
			f.stats.fullScans.Add(1)
		}
		p, err := f.tryAll(phase.list(t, uid, s), phase.how, t, s)
		if p.PID != 0 || err != nil {
			return p, err
		}
	}
	return Process{}, nil
}

// quickPhases are the steps of search a LookupQuick takes: the likely
// descriptors of new processes and of recent holders, read by name.
const quickPhases = 2

// scanHow says which descriptors of a process a search phase reads.
type scanHow int

const (
	scanAll       scanHow = iota // all, the hinted ones first
	scanHinted                   // the hinted ones only
	scanNew                      // all, the hinted or else the low ones first (firstNewFD)
	scanNewProbes                // scanNew's first reads only: no listing
)

// A process started since the table's refresh that has no hint has
// descriptors firstNewFD up to firstNewFD+newFDProbes-1 read first: the
// kernel gives the lowest free number, so a new program's first socket
// is most often just above its standard streams. Reading them by name
// spares listing its descriptor directory, which instantiates an entry
// for every descriptor of a process procfs has not shown before.
const (
	firstNewFD  = 3
	newFDProbes = 6
)

// appendNewFDs appends the numbers firstNewFD.. not in dst.
func appendNewFDs(dst []int32) []int32 {
	for fd := range int32(newFDProbes) {
		if !slices.Contains(dst, firstNewFD+fd) {
			dst = append(dst, firstNewFD+fd)
		}
	}
	return dst
}

// tryAll scans the processes of pids not scanned yet, as how says.
func (f *Finder) tryAll(pids []int, how scanHow, t *table, s *scratch) (Process, error) {
	for _, pid := range pids {
		if _, done := s.tried[pid]; done {
			continue
		}
		if how == scanAll || how == scanNew { // scanned whole: not again
			s.tried[pid] = struct{}{}
		}
		p, err := f.try(pid, how, t, s)
		if p.PID != 0 || err != nil {
			return p, err
		}
	}
	return Process{}, nil
}

// try scans pid as how says: its Process if it holds s.want. The
// sockets met are recorded with pid's start time from the table, if
// there.
func (f *Finder) try(pid int, how scanHow, t *table, s *scratch) (Process, error) {
	s.seen = s.seen[:0]
	s.probes = f.hints.probes(pid, s.probes[:0])
	switch {
	case how == scanHinted && len(s.probes) == 0:
		return Process{}, nil
	}
	d := f.dirs.get(pid)
	isNew := how == scanNew || how == scanNewProbes
	if isNew && len(s.probes) == 0 {
		if pi := f.pinnedInfo(pid, d); pi != nil {
			s.probes = f.exes.probes(pi.p.Exe, s.probes)
		}
		s.probes = appendNewFDs(s.probes)
	}
	fd, pinned, err := f.scanFDs(pid, d, how == scanAll || how == scanNew, s)
	f.inodes.putSeen(pid, t.pids[pid].start, s.seen)
	if err != nil || fd < 0 {
		return Process{}, err
	}
	var p Process
	if pinned {
		p, err = f.pinnedProcess(d, pid, fd, s)
	} else {
		p, err = f.processOf(pid, fd, s)
	}
	if err != nil {
		return Process{}, ignoreGone(err)
	}
	f.inodes.put(s.inode, ownerRef{pid: int32(pid), fd: int32(fd), start: p.Start})
	f.hints.found(pid, fd)
	if isNew {
		f.exes.found(p.Exe, fd)
	}
	return p, nil
}

func (f *Finder) hotPhase(_ *table, uid uint32, s *scratch) []int {
	s.pids = f.hot.list(uid, s.pids[:0])
	return s.pids
}

// freshPhase lists the processes missing from the table, newest first,
// those of uid or of an unknown user before the others: those the
// process events told of since the table's refresh, or, when events were
// lost or there are none, those a listing of /proc shows (newest: highest
// PID).
func (f *Finder) freshPhase(t *table, uid uint32, s *scratch) []int {
	fresh, ok := f.freshEvents(t, s)
	if !ok {
		f.stats.listings.Add(1)
		all, err := f.proc.pids(s.pids[:0], s.dents[:])
		if err != nil {
			f.log.Debug("procs: list processes", "err", err)
		}
		fresh = slices.DeleteFunc(all, func(pid int) bool { _, ok := t.pids[pid]; return ok })
		slices.Sort(fresh)
		slices.Reverse(fresh)
	}
	s.fresh, s.pids = s.fresh[:0], fresh
	if len(fresh) == 1 { // nothing to order: no owner to read
		s.fresh = append(s.fresh, fresh[0])
		return s.fresh
	}
	others := fresh[:0]
	for _, pid := range fresh {
		if owner, err := f.ownerUID(pid); err != nil || owner == uid {
			s.fresh = append(s.fresh, pid)
		} else {
			others = append(others, pid)
		}
	}
	s.fresh = append(s.fresh, others...)
	return s.fresh
}

// freshFirstPhase lists the newest freshFirst processes of uid the
// events told of since t's refresh, or the one process they told of;
// none without events or when they may be incomplete. It takes the
// events the reader handled: this phase only orders the search, and a
// process has been told of long before it connects (its program ran
// since), so the event socket is drained only for freshPhase, whose
// list must be complete.
func (f *Finder) freshFirstPhase(t *table, uid uint32, s *scratch) []int {
	if f.fresh == nil {
		return nil
	}
	fresh, ok := f.fresh.since(t.mark, s.pids[:0])
	if !ok || len(fresh) <= 1 {
		return fresh
	}
	s.fresh = s.fresh[:0]
	for _, pid := range fresh {
		if owner, err := f.ownerUID(pid); err == nil && owner == uid {
			if s.fresh = append(s.fresh, pid); len(s.fresh) == freshFirst {
				break
			}
		}
	}
	return s.fresh
}

// pinnedInfo is what was read of the process d pins, pid's (a read
// ahead, most often, for a new process): nil if d is nil or nothing was.
func (f *Finder) pinnedInfo(pid int, d *procDir) *procInfo {
	if d == nil {
		return nil
	}
	return f.procs.get(procKey{pid, d.start})
}

// ownerUID is the user of process pid, to order the search by: the one
// read of it before if it is pinned, else its /proc directory's owner.
// Either may be stale or another's (PID reuse): it only orders the
// reads.
func (f *Finder) ownerUID(pid int) (uint32, error) {
	if pi := f.pinnedInfo(pid, f.dirs.get(pid)); pi != nil {
		return pi.p.UID, nil
	}
	return f.proc.owner(pid)
}

// freshFirst bounds the new processes whose likely descriptors are read
// before the recent holders'.
const freshFirst = 3

// freshEvents lists the processes the events told of since t's refresh,
// after handling those the socket holds; false if they may not be all
// (events lost, or none).
func (f *Finder) freshEvents(t *table, s *scratch) ([]int, bool) {
	if f.events == nil {
		return nil, false
	}
	if err := f.events.drain(f.sink); err != nil {
		f.log.Debug("procs: read process events", "err", err)
		return nil, false
	}
	return f.fresh.since(t.mark, s.pids[:0])
}

func userPhase(t *table, uid uint32, _ *scratch) []int { return t.byUID[uid] }

func unknownPhase(t *table, _ uint32, _ *scratch) []int { return t.unknown }

// restPhase lists every process of the table.
func restPhase(t *table, _ uint32, s *scratch) []int {
	s.pids = s.pids[:0]
	for pid := range t.pids {
		s.pids = append(s.pids, pid)
	}
	t.sortNewest(s.pids)
	return s.pids
}
