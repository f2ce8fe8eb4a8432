package verdict

import (
	"errors"
	"log/slog"
	"testing"
)

// TestQuestionIDsAcrossRestarts: with ReserveIDs, a restarted module never
// hands out an id an earlier run handed out (before, ids began at 1 each
// run, so `ifw queue allow 2` from an old listing answered a new
// question); past a block it reserves the next; a failing reservation
// still gives ids unique in the run.
func TestQuestionIDsAcrossRestarts(t *testing.T) {
	var mark uint64
	var fail bool
	reserve := func(n uint64) (uint64, error) {
		if fail {
			return 0, errors.New("disk full")
		}
		first := mark + 1
		mark += n
		return first, nil
	}
	run := func(n int) []uint64 {
		qs := newQuestions()
		qs.reserve, qs.log = reserve, slog.New(slog.DiscardHandler)
		ids := make([]uint64, n)
		for i := range ids {
			ids[i] = qs.nextID()
		}
		return ids
	}
	first, second := run(3), run(idBlock+5)
	if first[0] != 1 || second[0] <= first[len(first)-1] {
		t.Fatalf("ids %v then, after a restart, %v...: an id repeats", first, second[:3])
	}
	for i := 1; i < len(second); i++ {
		if second[i] <= second[i-1] {
			t.Fatalf("ids not increasing at %d: %d, %d", i, second[i-1], second[i])
		}
	}
	if mark != 3*idBlock {
		t.Errorf("reserved up to %d; want three blocks", mark)
	}
	fail = true
	third := run(3)
	if third[0] != 1 || third[2] != 3 {
		t.Errorf("with the store failing: %v; want ids unique in the run", third)
	}
}
