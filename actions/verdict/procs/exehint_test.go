package procs

import (
	"slices"
	"testing"
)

func TestExeHints(t *testing.T) {
	h := newExeHints()
	if got := h.probes("/usr/bin/curl", nil); len(got) != 0 {
		t.Errorf("unknown exe: %v, want none", got)
	}
	h.found("/usr/bin/curl", 5)
	h.found("/usr/bin/curl", 7)
	h.found("/usr/bin/wget", 9)
	if got := h.probes("/usr/bin/curl", nil); !slices.Equal(got, []int32{7, 5}) {
		t.Errorf("probes = %v, want [7 5] (most recent first)", got)
	}
	if got := h.probes("/usr/bin/curl", []int32{5}); !slices.Equal(got, []int32{5, 7}) {
		t.Errorf("probes after [5] = %v, want [5 7] (no repeats)", got)
	}
	for i := range 2 * maxExeHints {
		h.found("/bin/x"+string(rune('a'+i%26))+string(rune('a'+i/26)), 3)
	}
	if n := len(h.m.cur) + len(h.m.old); n > maxExeHints {
		t.Errorf("%d executables remembered, want at most %d", n, maxExeHints)
	}
}
