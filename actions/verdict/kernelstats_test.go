package verdict

import (
	"strings"
	"testing"
)

func TestParseKernelStats(t *testing.T) {
	table := "    0  12345     0 2   256     0     0        4  1\n" +
		"    7 987654     3 2   256    17     5     4711  1\n"
	s, ok, err := ParseKernelStats(strings.NewReader(table), 7)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := KernelStats{Queue: 7, PortID: 987654, Waiting: 3, CopyMode: 2, CopyRange: 256, Dropped: 17, UserDropped: 5, IDSequence: 4711}
	if s != want {
		t.Errorf("%+v, want %+v", s, want)
	}
	if _, ok, err := ParseKernelStats(strings.NewReader(table), 3); ok || err != nil {
		t.Errorf("queue 3: %v %v, want not bound", ok, err)
	}
	for _, bad := range []string{"1 2 3", "1 2 3 4 5 6 7 x 1", "70000 1 1 1 1 1 1 1 1"} {
		if _, _, err := ParseKernelStats(strings.NewReader(bad), 1); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseKernelStats(f *testing.F) {
	f.Add("    7 987654     3 2   256    17     5     4711  1\n", uint16(7))
	f.Fuzz(func(t *testing.T, table string, q uint16) {
		s, ok, err := ParseKernelStats(strings.NewReader(table), q)
		if err == nil && ok && s.Queue != q {
			t.Fatalf("asked for %d, got %d", q, s.Queue)
		}
	})
}
