package procs

import (
	"slices"
	"testing"
)

func TestGenMap(t *testing.T) {
	m := newGenMap[int, int](4) // two generations of 2
	for i := range 3 {
		m.put(i, i*10)
	}
	// 0 and 1 filled the first generation, now old; 2 is current.
	if v, ok := m.get(0); !ok || v != 0 {
		t.Fatalf("get(0) = %d, %v", v, ok)
	}
	m.put(3, 30) // current (2, 0) is full: it becomes old; 1 is dropped
	if _, ok := m.get(1); ok {
		t.Error("1 survived two generations unused")
	}
	for _, k := range []int{0, 2, 3} {
		if v, ok := m.get(k); !ok || v != k*10 {
			t.Errorf("get(%d) = %d, %v", k, v, ok)
		}
	}
	if m.len() > 4 {
		t.Errorf("len %d above the bound", m.len())
	}
	m.delete(3)
	m.filter(func(k, _ int) bool { return k != 2 })
	if _, ok := m.get(2); ok || m.len() != 1 {
		t.Errorf("after delete and filter: len %d", m.len())
	}
}

func TestHotPIDs(t *testing.T) {
	h := newHotPIDs()
	for pid := 1; pid <= hotPerUser+2; pid++ {
		h.touch(1000, procKey{pid, 1})
	}
	h.touch(1000, procKey{5, 1})
	h.touch(0, procKey{99, 1})
	got := h.list(1000, nil)
	if len(got) != hotPerUser || got[0] != 5 || got[1] != hotPerUser+2 || slices.Contains(got, 1) {
		t.Fatalf("hot list %v", got)
	}
	h.prune(func(k procKey) bool { return k.pid%2 == 1 })
	if got := h.list(1000, nil); slices.ContainsFunc(got, func(pid int) bool { return pid%2 == 0 }) || got[0] != 5 {
		t.Errorf("after prune %v", got)
	}
	if got := h.list(0, nil); !slices.Equal(got, []int{99}) {
		t.Errorf("user 0: %v", got)
	}
}

func TestFDHint(t *testing.T) {
	var h fdHint
	for _, fd := range []int32{7, 9, 7, 12} {
		h.add(fd)
	}
	if got, want := h.probes(nil), []int32{12, 13, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("probes %v, want %v", got, want)
	}
	for fd := range int32(20) {
		h.add(fd)
	}
	if h.n != hintSlots || h.fds[0] != 19 {
		t.Errorf("hint %+v", h)
	}
	if got := string(nameZ(make([]byte, 0, 16), 1234)); got != "1234\x00" {
		t.Errorf("nameZ = %q", got)
	}
}

func TestGenMapDrop(t *testing.T) {
	m := newGenMap[int, int](4)
	var dropped []int
	m.drop = func(k, _ int) { dropped = append(dropped, k) }
	for i := range 6 {
		m.put(i, i)
	}
	// 0 and 1 became old when 2 came, and were dropped when 4 came.
	if !slices.Equal(dropped, []int{0, 1}) && !slices.Equal(dropped, []int{1, 0}) {
		t.Errorf("dropped %v, want 0 and 1", dropped)
	}
	dropped = nil
	m.delete(2)
	m.filter(func(k, _ int) bool { return k != 3 })
	m.put(4, 40) // replaced, not dropped
	if len(dropped) != 0 {
		t.Errorf("delete, filter and replace dropped %v", dropped)
	}
}
