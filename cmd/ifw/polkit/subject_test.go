package polkit

import (
	"os"
	"testing"
)

func TestStartTime(t *testing.T) {
	for _, c := range []struct {
		stat string
		want uint64
		ok   bool
	}{
		{"1234 (cat) S 1 1234 1234 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 987654 5431296 224 18446744073709551615", 987654, true},
		{"1234 (a) b) c) () S 1 1234 1234 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 42 5431296", 42, true},
		{"1234 (cat S 1 2 3", 0, false},
		{"1234 (cat) S 1 1234 1234 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0", 0, false},
		{"1234 (cat) S 1 1234 1234 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 -5 1", 0, false},
	} {
		got, err := StartTime([]byte(c.stat))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%q: %d %v, want %d ok %v", c.stat, got, err, c.want, c.ok)
		}
	}
}

func TestProcessSubjectSelf(t *testing.T) {
	s, err := ProcessSubject(int32(os.Getpid()), 7)
	if err != nil || s.StartTime == 0 || s.UID != 7 || s.PID != uint32(os.Getpid()) {
		t.Errorf("%+v %v", s, err)
	}
	if _, err := ProcessSubject(0, 0); err == nil {
		t.Errorf("pid 0: no error")
	}
}

func FuzzStartTime(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5 0"))
	f.Add([]byte("1 ((()))) S"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = StartTime(b)
	})
}
