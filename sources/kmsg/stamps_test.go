package kmsg

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// TestStamps follows the boot time estimate: jitter keeps the parser, a
// suspend or a clock step moves the packets' wall-clock time.
func TestStamps(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		boot  time.Time // the clock's estimate at this record
		want  time.Time // the packet's boot time
		fresh bool      // a new parser
	}{
		{name: "first", boot: t0, want: t0, fresh: true},
		{name: "jitter", boot: t0.Add(40 * time.Millisecond), want: t0},
		{name: "jitter back", boot: t0.Add(-90 * time.Millisecond), want: t0},
		{name: "suspend", boot: t0.Add(time.Hour), want: t0.Add(time.Hour), fresh: true},
		{name: "clock stepped back", boot: t0.Add(-time.Minute), want: t0.Add(-time.Minute), fresh: true},
	}
	var now time.Time
	st := &stamps{clock: func() time.Time { return now }}
	line := []byte(record(4, 1, 2_000_000, fwLine("X")))
	var prev any
	for _, tt := range tests {
		now = tt.boot
		p := st.parser()
		if fresh := any(p) != prev; fresh != tt.fresh {
			t.Errorf("%s: new parser %v, want %v", tt.name, fresh, tt.fresh)
		}
		prev = p
		var pkt sources.Packet
		if err := p.Parse(messageLine(line), &pkt); err != nil {
			t.Fatal(err)
		}
		if want := tt.want.Add(2 * time.Second); !pkt.Time.Equal(want) {
			t.Errorf("%s: time %v, want %v", tt.name, pkt.Time, want)
		}
	}
}

func TestMonotonicBoot(t *testing.T) {
	a, b := monotonicBoot(), monotonicBoot()
	if a.IsZero() || !a.Before(time.Now()) || drifted(a, b) {
		t.Errorf("boot estimates %v then %v", a, b)
	}
}
