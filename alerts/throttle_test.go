package alerts

import (
	"net/netip"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	a1, a2, a3 := src4(1), src4(2), src4(3)
	type step struct {
		at    time.Duration // after the first step
		src   netip.Addr
		level int
		scans []string
		sigs  []string
		want  reason
	}
	syn := []string{"syn/tcp"}
	for _, tc := range []struct {
		name     string
		remember int
		steps    []step
	}{
		{"first passes, repeats wait for the interval", 0, []step{
			{0, a1, 3, syn, nil, reasonFirst},
			{time.Second, a1, 3, syn, nil, reasonNone},
			{10*time.Minute - time.Second, a1, 3, syn, nil, reasonNone},
			{10 * time.Minute, a1, 3, syn, nil, reasonInterval},
			{10*time.Minute + time.Second, a1, 3, syn, nil, reasonNone},
			{20 * time.Minute, a1, 3, syn, nil, reasonInterval},
		}},
		{"a higher level passes, an equal or lower one waits", 0, []step{
			{0, a1, 2, syn, nil, reasonFirst},
			{time.Second, a1, 3, syn, nil, reasonLevel},
			{2 * time.Second, a1, 3, syn, nil, reasonNone},
			{3 * time.Second, a1, 2, syn, nil, reasonNone},
			{4 * time.Second, a1, 3, syn, nil, reasonNone},
			{5 * time.Second, a1, 5, syn, nil, reasonLevel},
		}},
		{"a new scan class passes, a known one waits", 0, []step{
			{0, a1, 3, syn, nil, reasonFirst},
			{time.Second, a1, 3, []string{"syn/tcp", "fin/tcp"}, nil, reasonScan},
			{2 * time.Second, a1, 3, []string{"fin/tcp"}, nil, reasonNone},
			{3 * time.Second, a1, 3, []string{"syn/udp"}, nil, reasonScan},
			{4 * time.Second, a1, 3, []string{"syn/tcp", "fin/tcp", "syn/udp"}, nil, reasonNone},
			{5 * time.Second, a1, 3, []string{"sweep/tcp"}, nil, reasonScan},
		}},
		{"a new signature passes, a known one waits", 0, []step{
			{0, a1, 2, nil, []string{"SCAN FIN"}, reasonFirst},
			{time.Second, a1, 2, nil, []string{"SCAN FIN"}, reasonNone},
			{2 * time.Second, a1, 2, nil, []string{"SCAN FIN", "MISC VNC"}, reasonSignature},
			{3 * time.Second, a1, 2, nil, []string{"MISC VNC"}, reasonNone},
		}},
		{"sources are throttled apart", 0, []step{
			{0, a1, 3, syn, nil, reasonFirst},
			{time.Second, a2, 3, syn, nil, reasonFirst},
			{2 * time.Second, a1, 3, syn, nil, reasonNone},
			{3 * time.Second, a2, 3, syn, nil, reasonNone},
		}},
		{"the interval resets the level told", 0, []step{
			{0, a1, 4, syn, nil, reasonFirst},
			{11 * time.Minute, a1, 2, syn, nil, reasonInterval},
			{12 * time.Minute, a1, 3, syn, nil, reasonLevel},
		}},
		{"a forgotten source is new again", 2, []step{
			{0, a1, 3, syn, nil, reasonFirst},
			{time.Second, a2, 3, syn, nil, reasonFirst},
			{2 * time.Second, a1, 3, syn, nil, reasonNone}, // a1 most recent: a2 goes next
			{3 * time.Second, a3, 3, syn, nil, reasonFirst},
			{4 * time.Second, a1, 3, syn, nil, reasonNone},
			{5 * time.Second, a2, 3, syn, nil, reasonFirst},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			remember := tc.remember
			if remember == 0 {
				remember = DefaultRemember
			}
			thr := newThrottle(DefaultInterval, remember)
			for i, s := range tc.steps {
				a := alertOf(s.src, s.level, s.scans, s.sigs)
				now := t0.Add(s.at)
				got := thr.check(&a, now)
				if got != s.want {
					t.Fatalf("step %d (%v, level %d, %v %v): %v, want %v", i, s.src, s.level, s.scans, s.sigs, got, s.want)
				}
				if got != reasonNone {
					thr.note(&a, now)
				}
			}
		})
	}
}

func TestAddKeyBounded(t *testing.T) {
	var keys []uint64
	for k := range uint64(3 * maxKeys) {
		keys = addKey(keys, k)
		keys = addKey(keys, k) // twice: kept once
	}
	if len(keys) != maxKeys || keys[0] != 2*maxKeys || keys[maxKeys-1] != 3*maxKeys-1 {
		t.Fatalf("%d keys from %d to %d; want the newest %d", len(keys), keys[0], keys[len(keys)-1], maxKeys)
	}
}

// TestThrottleHostsApart: on a log server, one source seen by two
// sensors is two attackers for the throttle: each sensor's first alert
// passes, and one sensor's alerts do not throttle the other's.
func TestThrottleHostsApart(t *testing.T) {
	thr := newThrottle(DefaultInterval, DefaultRemember)
	a := alertOf(src4(1), 3, []string{"syn/tcp"}, nil)
	for i, host := range []string{"sensor-a", "sensor-b"} {
		a.Host = host
		now := t0.Add(time.Duration(i) * time.Second)
		if got := thr.check(&a, now); got != reasonFirst {
			t.Fatalf("%s: %v, want %v", host, got, reasonFirst)
		}
		thr.note(&a, now)
	}
	a.Host = "sensor-a"
	if got := thr.check(&a, t0.Add(2*time.Second)); got != reasonNone {
		t.Fatalf("sensor-a again: %v, want %v", got, reasonNone)
	}
}
