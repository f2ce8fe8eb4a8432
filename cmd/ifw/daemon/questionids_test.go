package daemon

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ifw/ifw/alerts"
)

// TestReserveQuestionIDs: the high-water mark of question ids lives in the
// store, so a daemon started again on it continues after the last block.
func TestReserveQuestionIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.db")
	firsts := make([]uint64, 2)
	for i := range firsts { // two daemon runs on one store
		s, err := alerts.Open(context.Background(), alerts.Config{Path: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		o := &outbound{store: s}
		if firsts[i], err = o.reserveQuestionIDs(1000); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if firsts[0] != 1 || firsts[1] != 1001 {
		t.Fatalf("first ids of two runs: %v; want 1 and 1001", firsts)
	}
}
