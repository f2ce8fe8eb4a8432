package profile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestProfiles: each profile is written to its file, non-empty; a path
// that cannot be created is an error, nothing started.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, heap := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "heap.pprof")
	stop, err := StartCPU(cpu)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if err := WriteHeap(heap); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{cpu, heap} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	bad := filepath.Join(dir, "missing", "x.pprof")
	if _, err := StartCPU(bad); err == nil {
		t.Error("StartCPU into a missing directory")
	}
	if err := WriteHeap(bad); err == nil {
		t.Error("WriteHeap into a missing directory")
	}
	// a CPU profile can start again once stopped
	if stop, err := StartCPU(cpu); err != nil {
		t.Error(err)
	} else {
		stop()
	}
}
