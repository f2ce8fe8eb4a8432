package daemon

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/report"

	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/test/pgtest"
)

// TestDaemonJoinsFleet: with [store] url the daemon's heartbeat puts it
// in the fleet's hosts; a database that is down at start does not stop it.
func TestDaemonJoinsFleet(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	srv.Stop(t)
	l := newLab(t)
	r := l.startWith(t, "[store]\nurl = "+url)
	defer r.stop(t)
	if _, err := r.client.Status(context.Background()); err != nil {
		t.Fatalf("status with the database down: %v", err)
	}
	srv.Start(t)
	f, err := fleet.Open(fleet.Config{URL: url, Host: "observer"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		hosts, err := f.Hosts(ctx, 0)
		if err == nil && len(hosts) == 1 && hosts[0].Host == r.d.cfg.Daemon.Host {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the daemon never joined the fleet: %v, %v", hosts, err)
		case <-time.After(100 * time.Millisecond): // the next heartbeat is up to 10 s away
		}
	}
}

// TestDaemonReportOwnHost: on a fleet's shared store the daemon's report
// (the periodic one, GET /v1/report) is of its own host's alerts, as its
// blocks are; another host's alert stays out.
func TestDaemonReportOwnHost(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	other, err := alerts.Open(ctx, alerts.Config{URL: url, Host: "other"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a := alerts.Alert{Time: now, Host: "other", Src: netip.MustParseAddr("203.0.113.9"), Level: 3,
		FirstSeen: now, LastSeen: now, Collector: "kmsg"}
	if _, err := other.AddAlert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	other.Close()
	l := newLab(t)
	r := l.startWith(t, "[store]\nurl = "+url)
	defer r.stop(t)
	opts := report.Options{From: now.Add(-time.Hour), To: now.Add(time.Hour)}
	rep, err := r.d.Report(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Alerts != 0 {
		t.Errorf("the daemon's report counts %d alerts of another host", rep.Totals.Alerts)
	}
}
