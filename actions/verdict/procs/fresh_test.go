package procs

import (
	"slices"
	"testing"
)

// TestFreshSince: the processes told of after a mark, newest first, are
// complete only when no loss came after the mark; a refresh's resync
// forgets those older than the previous refresh's mark; exits are
// forgotten.
func TestFreshSince(t *testing.T) {
	f := newFreshPIDs()
	f.started(10)
	if _, ok := f.since(0, nil); ok {
		t.Fatal("complete before a refresh, although the events before listening are unknown")
	}
	m1 := f.mark()
	f.resync(m1)
	m2 := f.mark()
	f.started(11)
	f.started(12)
	f.started(13)
	f.exited(12)
	got, ok := f.since(m2, nil)
	if !ok || !slices.Equal(got, []int{13, 11}) {
		t.Fatalf("since = %v, %v; want [13 11], true", got, ok)
	}
	f.resync(m2) // 10 told before m1: forgotten
	if f.len() != 2 {
		t.Errorf("%d kept, want 2 (11, 13)", f.len())
	}
	if _, ok := f.since(m1, nil); !ok {
		t.Error("incomplete since the previous refresh's mark")
	}
	f.resync(f.mark())
	if _, ok := f.since(m1, nil); ok {
		t.Error("complete for a table two refreshes old, whose fresh processes were forgotten")
	}
	f.lost()
	if _, ok := f.since(m2, nil); ok {
		t.Error("complete after a loss")
	}
	m3 := f.mark()
	f.resync(m3)
	if got, ok := f.since(m3, nil); !ok || len(got) != 0 {
		t.Errorf("since the refresh after the loss = %v, %v; want [], true", got, ok)
	}
	if f.losses() != 1 {
		t.Errorf("losses = %d, want 1", f.losses())
	}
}

// TestFreshBounded: a flood of new processes (a fork bomb) keeps at
// most maxFresh and makes the list incomplete, counted once, until the
// refresh after it.
func TestFreshBounded(t *testing.T) {
	f := newFreshPIDs()
	f.resync(f.mark())
	m := f.mark()
	f.resync(m)
	for pid := 1; pid <= 3*maxFresh; pid++ {
		f.started(pid)
	}
	if f.len() != maxFresh {
		t.Errorf("kept %d, want %d", f.len(), maxFresh)
	}
	if _, ok := f.since(m, nil); ok {
		t.Error("complete after a flood")
	}
	if f.losses() != 1 {
		t.Errorf("losses = %d, want 1", f.losses())
	}
	m2 := f.mark()
	f.resync(m2)
	f.resync(f.mark())
	if f.len() != 0 {
		t.Errorf("kept %d after two refreshes, want 0", f.len())
	}
}
