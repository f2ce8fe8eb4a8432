package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/pgtest"
)

func sighting(src string, at time.Time, packets int64, ports ...uint16) Sighting {
	return Sighting{Src: netip.MustParseAddr(src), FirstSeen: at, LastSeen: at, Packets: packets, Ports: ports}
}

// TestSightCounts: each host's upsert answers how many hosts saw the
// source in the window, naming them, with the fleet's packets and ports;
// a sighting older than the window does not count and starts over.
func TestSightCounts(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	a, b, c := open(t, url, "a"), open(t, url, "b"), open(t, url, "c")
	now := time.Now()
	old := now.Add(-2 * time.Hour)
	if _, err := c.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.7", old, 9, 1)}); err != nil {
		t.Fatal(err)
	}
	// c's sighting is from before the window: it only counts once c reports again.
	sp, err := a.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.7", now, 2, 22, 80), sighting("2001:db8::1", now, 1, 443)})
	if err != nil || len(sp) != 2 {
		t.Fatalf("a: %+v, %v", sp, err)
	}
	for _, s := range sp {
		if s.HostCount != 1 || !slices.Equal(s.Hosts, []string{"a"}) {
			t.Errorf("a sees %+v, want one host", s)
		}
	}
	sp, err = b.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.7", now, 3, 80, 443)})
	if err != nil || len(sp) != 1 || sp[0].HostCount != 2 || !slices.Equal(sp[0].Hosts, []string{"a", "b"}) ||
		sp[0].Packets != 5 || !slices.Equal(sp[0].Ports, []uint16{22, 80, 443}) {
		t.Fatalf("b: %+v, %v", sp, err)
	}
	sp, err = c.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.7", now, 1, 8080)})
	if err != nil || sp[0].HostCount != 3 || !slices.Equal(sp[0].Hosts, []string{"a", "b", "c"}) || sp[0].Packets != 6 {
		t.Fatalf("c: %+v, %v", sp, err)
	}
	// a again: its packets add up, its ports merge.
	sp, err = a.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.7", now, 1, 22, 23)})
	if err != nil || sp[0].HostCount != 3 || sp[0].Packets != 7 || !slices.Equal(sp[0].Ports, []uint16{22, 23, 80, 443, 8080}) {
		t.Fatalf("a again: %+v, %v", sp, err)
	}
	list, err := b.Spreads(ctx, time.Hour, 2, 10)
	if err != nil || len(list) != 1 || list[0].Src.String() != "192.0.2.7" || list[0].HostCount != 3 || list[0].Level != 0 {
		t.Fatalf("spreads: %+v, %v", list, err)
	}
}

// TestSightBounds: ports per row and hosts per answer stay bounded
// whatever the attacker sends; a batch over MaxBatch is refused.
func TestSightBounds(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	now := time.Now()
	var ports []uint16
	for p := range 3 * MaxPorts {
		ports = append(ports, uint16(1000+p))
	}
	var last []Spread
	for i := range MaxHosts + 5 {
		f := open(t, url, fmt.Sprintf("h%03d", i))
		sp, err := f.Sight(ctx, time.Hour, []Sighting{sighting("198.51.100.9", now, 1, ports[i%3*MaxPorts:][:MaxPorts]...)})
		if err != nil {
			t.Fatal(err)
		}
		last = sp
		f.Close()
	}
	s := last[0]
	if s.HostCount != MaxHosts+5 || len(s.Hosts) != MaxHosts || len(s.Ports) != MaxPorts || s.Ports[0] != 1000 {
		t.Fatalf("answer: %d hosts (%d named), %d ports from %d", s.HostCount, len(s.Hosts), len(s.Ports), s.Ports[0])
	}
	f := open(t, url, "h000")
	if _, err := f.Sight(ctx, time.Hour, make([]Sighting, MaxBatch+1)); err == nil {
		t.Fatal("a batch over MaxBatch was taken")
	}
	sp, err := f.Sight(ctx, time.Hour, []Sighting{sighting("198.51.100.9", now, 1, ports[MaxPorts:]...)})
	if err != nil || len(sp[0].Ports) != MaxPorts {
		t.Fatalf("merged ports: %+v, %v", sp, err)
	}
}

// TestRaiseOnce: three daemons raising the same levels at once: each
// level is raised by exactly one of them; a level once raised is not
// raised again within the window, a higher one is.
func TestRaiseOnce(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	fleets := []*Fleet{open(t, url, "a"), open(t, url, "b"), open(t, url, "c")}
	src := netip.MustParseAddr("203.0.113.5")
	for _, f := range fleets { // migrate before the race
		if err := f.Beat(ctx, Health{}); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 20 {
		src := netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + round)})
		for level := 1; level <= Levels; level++ {
			var wg sync.WaitGroup
			var mu sync.Mutex
			var raised []string
			var prevs []int
			for _, f := range fleets {
				wg.Go(func() {
					prev, ok, err := f.Raise(ctx, src, level, time.Hour)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						raised, prevs = append(raised, f.Host()), append(prevs, prev)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(raised) != 1 || prevs[0] != level-1 {
				t.Fatalf("round %d level %d raised by %v (prev %v), want one raiser from %d", round, level, raised, prevs, level-1)
			}
		}
	}
	if _, ok, err := fleets[0].Raise(ctx, src, 2, time.Hour); err != nil || !ok {
		t.Fatalf("first raise: %v %v", ok, err)
	}
	if _, ok, err := fleets[1].Raise(ctx, src, 1, time.Hour); err != nil || ok {
		t.Fatalf("a lower level raised again: %v %v", ok, err)
	}
	// After the window (here: 0), the level is raised again.
	if prev, ok, err := fleets[1].Raise(ctx, src, 2, time.Nanosecond); err != nil || !ok || prev != 0 {
		t.Fatalf("after the window: %d %v %v", prev, ok, err)
	}
	list, err := fleets[2].Spreads(ctx, time.Hour, 2, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 { // raised levels without sightings: none listed
		t.Logf("spreads: %+v", list)
	}
}

// TestPrune: sightings and levels older than the window go; a host keeps
// at most its newest maxRows sightings.
func TestPrune(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	a, b := open(t, url, "a"), open(t, url, "b")
	now := time.Now()
	var batch []Sighting
	for i := range 100 {
		batch = append(batch, sighting(fmt.Sprintf("198.51.100.%d", i), now.Add(time.Duration(i)*time.Millisecond), 1, 22))
	}
	if _, err := a.Sight(ctx, time.Hour, batch); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sight(ctx, time.Hour, []Sighting{sighting("192.0.2.1", now.Add(-3*time.Hour), 1)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Raise(ctx, netip.MustParseAddr("192.0.2.1"), 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	n, err := a.Prune(ctx, time.Hour, 40)
	if err != nil || n != 61 {
		t.Fatalf("pruned %d, %v; want 60 over the bound and 1 old", n, err)
	}
	list, err := b.Spreads(ctx, time.Hour, 1, 1000)
	if err != nil || len(list) != 40 {
		t.Fatalf("left %d, %v", len(list), err)
	}
	for _, s := range list {
		if s.Src.As4()[3] < 60 {
			t.Errorf("kept %v, not among the newest 40", s.Src)
		}
	}
	srv.Stop(t)
	if _, err := a.Sight(ctx, time.Hour, batch[:1]); !errors.Is(err, alerts.ErrUnavailable) {
		t.Fatalf("sight while down: %v", err)
	}
}

func TestScanConfig(t *testing.T) {
	c := DefaultScanConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for hosts, want := range map[int]int{0: 0, 2: 0, 3: 1, 4: 1, 5: 2, 19: 3, 20: 4, 50: 5, 1000: 5} {
		if got := c.Level(hosts); got != want {
			t.Errorf("Level(%d) = %d, want %d", hosts, got, want)
		}
	}
	for _, bad := range []ScanConfig{{Hosts: [Levels]int{1, 2, 3, 4, 5}, Window: time.Hour, Sources: 1},
		{Hosts: [Levels]int{3, 3, 10, 20, 50}, Window: time.Hour, Sources: 1},
		{Hosts: c.Hosts, Window: time.Millisecond, Sources: 1}, {Hosts: c.Hosts, Window: time.Hour}} {
		if err := bad.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
