package procs

import (
	"slices"
)

// search looks through the processes' descriptors for socket inode,
// created by user uid, trying the likeliest first and stopping at the
// first that holds it:
//
//  0. with process events, the newest two processes of uid they told of
//     since the table's refresh (the one, whatever its user, when there
//     is one): a program just started, with few descriptors, is the
//     likeliest holder of a socket no cache knows, more than the recent
//     holders, whose hinted descriptors can be many; two at most, so
//     that a build starting programs by the hundred costs a known
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
		list   func(*table, uint32, *scratch) []int
		probes bool // read the hinted descriptors only
	}{
		{f.freshFirstPhase, false}, {f.hotPhase, true}, {f.freshPhase, false}, {f.hotPhase, false},
		{userPhase, false}, {unknownPhase, false}, {restPhase, false},
	}
	for i, phase := range phases {
		if i == len(phases)-1 {
			f.stats.fullScans.Add(1)
		}
		p, err := f.tryAll(phase.list(t, uid, s), phase.probes, t, s)
		if p.PID != 0 || err != nil {
			return p, err
		}
	}
	return Process{}, nil
}

// tryAll scans the processes of pids not scanned yet; with probes, only
// their hinted descriptors.
func (f *Finder) tryAll(pids []int, probes bool, t *table, s *scratch) (Process, error) {
	for _, pid := range pids {
		if _, done := s.tried[pid]; done {
			continue
		}
		if !probes {
			s.tried[pid] = struct{}{}
		}
		p, err := f.try(pid, probes, t, s)
		if p.PID != 0 || err != nil {
			return p, err
		}
	}
	return Process{}, nil
}

// try scans pid (with probes, its hinted descriptors only): its Process
// if it holds s.want. The sockets met are recorded with pid's start time
// from the table, if there.
func (f *Finder) try(pid int, probes bool, t *table, s *scratch) (Process, error) {
	s.seen = s.seen[:0]
	s.probes = f.hints.probes(pid, s.probes[:0])
	if probes && len(s.probes) == 0 {
		return Process{}, nil
	}
	d := f.dirs.get(pid)
	fd, pinned, err := f.scanFDs(pid, d, !probes, s)
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
		if owner, err := f.proc.owner(pid); err != nil || owner == uid {
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
// none without events or when they may be incomplete.
func (f *Finder) freshFirstPhase(t *table, uid uint32, s *scratch) []int {
	fresh, ok := f.freshEvents(t, s)
	if !ok || len(fresh) <= 1 {
		return fresh
	}
	s.fresh = s.fresh[:0]
	for _, pid := range fresh {
		if owner, err := f.proc.owner(pid); err == nil && owner == uid {
			if s.fresh = append(s.fresh, pid); len(s.fresh) == freshFirst {
				break
			}
		}
	}
	return s.fresh
}

// freshFirst bounds the new processes searched before the recent
// holders.
const freshFirst = 2

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
