package daemon

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/pgtest"
)

// TestDaemonFleetScan: four other hosts saw a source (below their own
// thresholds); two packets of it here make five hosts: the daemon raises
// fleet level 4 once (thresholds 2 3 4 5 6), stores the alert (collector
// and reason "fleet", naming the five hosts), auto-blocks it at that
// level, and ifw status --fleet lists it with scope fleet and its hosts.
func TestDaemonFleetScan(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	src := "203.0.113.77"
	others := []string{"b-host", "c-host", "d-host", "e-host"}
	for i, h := range others {
		f, err := fleet.Open(fleet.Config{URL: url, Host: h}, nil)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		_, err = f.Sight(ctx, time.Hour, []fleet.Sighting{{Src: netip.MustParseAddr(src), FirstSeen: at, LastSeen: at, Packets: 1, Ports: []uint16{uint16(100 + i)}}})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	l := newLab(t)
	r := l.startWith(t, "[store]\nurl = "+url, "[fleet]\nhosts = 2 3 4 5 6\nwindow = 1h")
	defer r.stop(t)
	self := r.d.cfg.Daemon.Host
	r.feed.synScan(src, 2)
	var fleetAlerts []control.AlertRecord
	eventually(t, "the fleet alert is stored", func() bool {
		list, err := r.client.Alerts(ctx, control.AlertQuery{})
		if err != nil {
			t.Fatal(err)
		}
		fleetAlerts = fleetAlerts[:0]
		for _, a := range list {
			if a.Collector == fleetCollector {
				fleetAlerts = append(fleetAlerts, a)
			}
		}
		return len(fleetAlerts) > 0
	})
	a := fleetAlerts[0]
	hosts := append(slices.Clone(others), self)
	slices.Sort(hosts)
	if a.Src.String() != src || a.Level != 4 || a.Reasons != fleetReason || a.Host != self || a.DestinationCount != 5 ||
		len(a.Signatures) != 1 || a.Signatures[0].Name != FleetScanName(hosts) {
		t.Fatalf("fleet alert %+v", a.Alert)
	}
	eventually(t, "the fleet's source is auto-blocked", func() bool { return l.kernel.has(src + "/32") })
	st, err := r.client.FleetStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found *control.FleetAttacker
	for i := range st.Attackers {
		if st.Attackers[i].Src.String() == src && st.Attackers[i].Scope == control.ScopeFleet {
			found = &st.Attackers[i]
		}
	}
	if found == nil || found.Level != 4 || found.HostCount != 5 || !slices.Equal(found.Hosts, hosts) || found.Blocked == nil {
		t.Fatalf("fleet status attackers %+v", st.Attackers)
	}
	if st.Scan.Raised != 1 || st.Scan.Reported == 0 || st.Host != self {
		t.Fatalf("fleet status scan %+v", st.Scan)
	}
	// More packets: the level stays, no second alert.
	r.feed.synScan(src, 1)
	eventually(t, "the next packet is reported", func() bool { return r.d.pipe.scan.counts.reported.Load() >= 2 })
	if n := r.d.pipe.scan.counts.raised.Load(); n != 1 {
		t.Fatalf("raised %d times", n)
	}
}

// TestFleetStatusOff: without [store] url, GET /v1/status/fleet is 503
// with a reason.
func TestFleetStatusOff(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	defer r.stop(t)
	_, err := r.client.FleetStatus(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fleet mode is off") {
		t.Fatalf("fleet status without a fleet: %v", err)
	}
}

// TestFleetScanBounded: a database that cannot be reached fails a report
// at once and keeps its sightings for the next; new sources past the
// bound are dropped and counted; note never waits.
func TestFleetScanBounded(t *testing.T) {
	f, err := fleet.Open(fleet.Config{URL: "postgres://ifw@/ifw?host=" + t.TempDir() + "&connect_timeout=1", Host: "a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg := fleet.DefaultScanConfig()
	cfg.Sources = 3
	raised := 0
	s := newFleetScan(f, cfg, func(context.Context, alerts.Alert) error { raised++; return nil }, slog.New(slog.DiscardHandler))
	now := time.Now()
	for i := range 5 {
		for p := range 100 {
			s.note(&sources.Packet{Src: netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), DstPort: uint16(p + 1)}, now)
		}
	}
	if len(s.seen) != 3 || s.counts.dropped.Load() != 200 || s.counts.noted.Load() != 500 {
		t.Fatalf("tracked %d, dropped %d, noted %d", len(s.seen), s.counts.dropped.Load(), s.counts.noted.Load())
	}
	for _, sg := range s.seen {
		if len(sg.ports) != fleet.MaxPorts || sg.packets != 100 {
			t.Fatalf("sighting %+v", sg)
		}
	}
	if down := s.report(context.Background(), false); !down {
		t.Fatal("a database that is not there is not down")
	}
	if s.counts.unsent.Load() != 1 || raised != 0 {
		t.Fatalf("unsent %d", s.counts.unsent.Load())
	}
	for src, sg := range s.seen {
		if !sg.dirty || sg.packets != 100 || len(sg.ports) != fleet.MaxPorts {
			t.Fatalf("%v after a failed report: %+v", src, sg)
		}
	}
	// Given back, they still go with the next report; sources without
	// news are forgotten after their rechecks.
	for range rechecks + 2 {
		s.giveBack(s.take())
	}
	if len(s.seen) != 3 {
		t.Fatalf("kept %d sources", len(s.seen))
	}
	for range rechecks + 2 {
		_ = s.take()
	}
	if len(s.seen) != 0 {
		t.Fatalf("forgot none: %d left", len(s.seen))
	}
}

// TestFleetAlertNotRecovered: a fleet alert stored after the saved state
// (kill -9) is not read back as one of this host's attackers: the fleet's
// level is not the host's.
func TestFleetAlertNotRecovered(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	r.stop(t)
	ctx := context.Background()
	store, err := alerts.Open(ctx, alerts.Config{Path: filepath.Join(l.dir, "ifw.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := netip.MustParseAddr("192.0.2.99")
	a := fleetAlert(fleet.Spread{Src: src, HostCount: 3, Hosts: []string{"a", "b", "c"}, Packets: 9,
		FirstSeen: time.Now(), LastSeen: time.Now()}, 1, 0, r.d.cfg.Daemon.Host, true)
	if _, err := store.AddAlert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	store.Close()
	r = l.start(t)
	defer r.stop(t)
	if got := r.attacker(t, src.String()); got != nil {
		t.Fatalf("the fleet alert came back as this host's attacker: %+v", got)
	}
}
