package procs

import (
	"cmp"
	"slices"
)

// procEntry is what the table knows of a live process.
type procEntry struct {
	start uint64 // clock ticks since boot
	uid   uint32 // owner of /proc/PID: the effective user ID
	uidOK bool
}

// table is a snapshot of the live processes, rebuilt by each refresh and
// never changed after: lookups read it without locking.
type table struct {
	pids    map[int]procEntry
	byUID   map[uint32][]int // newest first
	unknown []int            // processes whose user could not be read
	mark    uint64           // freshPIDs.mark taken before /proc was listed
}

// alive reports whether pid, started at start (0: any), is in the table.
func (t *table) alive(pid int, start uint64) bool {
	e, ok := t.pids[pid]
	return ok && (start == 0 || e.start == start)
}

// buildTable lists the live processes. Those of old are taken over as
// they are (a process's start time and PID do not change), except the
// watched ones, which are read again, as new ones are, so that a reused
// PID shows with its new start time.
func (f *Finder) buildTable(old *table, watch map[int]bool, s *scratch) (*table, error) {
	pids, err := f.proc.pids(s.pids[:0], s.dents[:])
	s.pids = pids
	if err != nil {
		return nil, err
	}
	t := &table{pids: make(map[int]procEntry, len(pids)), byUID: make(map[uint32][]int)}
	for _, pid := range pids {
		e, ok := procEntry{}, false
		if old != nil && !watch[pid] {
			e, ok = old.pids[pid]
		}
		if !ok {
			if e, ok = f.readEntry(pid, s); !ok {
				continue // exited meanwhile
			}
		}
		t.pids[pid] = e
		if e.uidOK {
			t.byUID[e.uid] = append(t.byUID[e.uid], pid)
		} else {
			t.unknown = append(t.unknown, pid)
		}
	}
	for _, list := range t.byUID {
		t.sortNewest(list)
	}
	t.sortNewest(t.unknown)
	return t, nil
}

// readEntry reads the start time and user of pid; false when it is gone.
func (f *Finder) readEntry(pid int, s *scratch) (procEntry, bool) {
	b, err := f.proc.readFile(pid, "stat", s.file[:])
	if err != nil {
		return procEntry{}, false
	}
	_, start, err := parseStat(b)
	if err != nil {
		return procEntry{}, false
	}
	e := procEntry{start: start}
	if uid, err := f.proc.owner(pid); err == nil {
		e.uid, e.uidOK = uid, true
	}
	return e, true
}

// sortNewest orders pids by start time, newest first; then by PID.
func (t *table) sortNewest(pids []int) {
	slices.SortFunc(pids, func(a, b int) int {
		if c := cmp.Compare(t.pids[b].start, t.pids[a].start); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
}
