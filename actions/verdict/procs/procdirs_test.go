package procs

import (
	"errors"
	"os"
	"testing"
)

func TestProcDirs(t *testing.T) {
	// Every pin the set forgets is closed: replaced, removed, filtered
	// out, evicted, or at closeAll; remove spares a pin that replaced
	// the one given.
	proc, err := openProcFS("/proc")
	must(t, err)
	defer proc.close()
	pin := func() *procDir {
		d, err := openProcDir(proc, os.Getpid(), 1)
		must(t, err)
		return d
	}
	s := newScratch()
	closed := func(d *procDir) bool {
		_, err := d.readlink(exeZ, s.link[:])
		return errors.Is(err, errDirClosed)
	}
	c := newProcDirs(4)
	a, b := pin(), pin()
	c.put(1, a)
	c.put(1, b)
	if !closed(a) || closed(b) || c.get(1) != b {
		t.Fatal("replaced pin not closed, or the new one not kept")
	}
	c.remove(1, a)
	if closed(b) || c.get(1) != b {
		t.Fatal("remove of a replaced pin closed its replacement")
	}
	c.remove(1, b)
	if !closed(b) || c.get(1) != nil {
		t.Fatal("removed pin not closed")
	}
	var pins []*procDir
	for pid := range 6 {
		pins = append(pins, pin())
		c.put(pid, pins[pid])
	}
	if !closed(pins[0]) || !closed(pins[1]) || c.len() > 4 {
		t.Errorf("evicted pins not closed, or %d pins above the bound", c.len())
	}
	c.filter(func(pid int, _ *procDir) bool { return pid != 5 })
	if !closed(pins[5]) || closed(pins[4]) {
		t.Error("filter closed the wrong pins")
	}
	c.closeAll()
	for pid, d := range pins {
		if !closed(d) {
			t.Errorf("pin %d open after closeAll", pid)
		}
	}
	if c.len() != 0 {
		t.Errorf("%d pins after closeAll", c.len())
	}
	if n := procDirLimit(); n < minProcDirs || n > maxProcDirs {
		t.Errorf("procDirLimit() = %d", n)
	}
}
