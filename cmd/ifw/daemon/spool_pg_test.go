package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/test/pgtest"
)

// TestDaemonSpoolOutage: a daemon on PostgreSQL whose database goes down
// keeps detecting and blocking; its status says the store is degraded
// and how much is queued; when the database is back every alert the
// daemon made is stored once, in the order made, with its block outcome,
// and the blocks made during the outage are in the database.
func TestDaemonSpoolOutage(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	l := newLab(t)
	r := l.startWith(t, "[store]\nurl = "+url)
	ctx := context.Background()

	r.feed.synScan("203.0.113.5", 200)
	eventually(t, "the first alert stored directly", func() bool {
		st, err := r.client.Status(ctx)
		return err == nil && st.Pipeline.Stored > 0 && st.Store.Queued == 0 && l.kernel.has("203.0.113.5/32")
	})

	srv.Stop(t)
	srcs := []string{}
	for i := range 8 {
		src := fmt.Sprintf("198.51.100.%d", 20+i)
		srcs = append(srcs, src)
		r.feed.synScan(src, 200)
	}
	var st *control.Status
	eventually(t, "every source of the outage blocked, its writes queued", func() bool {
		for _, s := range srcs {
			if !l.kernel.has(s + "/32") {
				return false
			}
		}
		var err error
		st, err = r.client.Status(ctx)
		return err == nil && st.Store.Queued >= 2*len(srcs) // an alert and a block each at least
	})
	if st.Store.Kind != "postgresql" || !st.Store.Degraded || st.Store.Spool == nil || !st.Store.Spool.Down {
		t.Fatalf("store status during the outage: %+v %+v", st.Store, st.Store.Spool)
	}
	if st.Blocking == nil || st.Blocking.Active < len(srcs) {
		t.Errorf("blocking status during the outage: %+v", st.Blocking)
	}
	for _, src := range srcs {
		if a := findStatus(st, src); a == nil || a.Blocked == nil {
			t.Errorf("%s not shown blocked during the outage: %+v", src, a)
		}
	}
	if h := r.d.fleetHealth(); !h.Degraded || h.Queued == 0 {
		t.Fatalf("heartbeat health during the outage: %+v", h)
	}

	srv.Start(t)
	eventually(t, "the spool delivered", func() bool {
		var err error
		st, err = r.client.Status(ctx)
		return err == nil && !st.Store.Degraded && st.Store.Queued == 0
	})
	if st.Store.Spool.Outages != 1 || st.Store.Spool.Delivered < uint64(2*len(srcs)) || st.Store.Spool.Rejected != 0 {
		t.Fatalf("spool after the outage: %+v", st.Store.Spool)
	}
	made, host := st.Pipeline.Stored, r.d.cfg.Daemon.Host
	r.stop(t)

	s, err := alerts.Open(ctx, alerts.Config{URL: url, Host: host, ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Alerts(ctx, alerts.Query{Host: alerts.AllHosts})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(list)) != made {
		t.Fatalf("%d alerts in the database, the daemon made %d", len(list), made)
	}
	slices.Reverse(list) // oldest first
	uids := map[string]bool{}
	last := map[netip.Addr]int{}
	for i, a := range list {
		if uids[a.UID] {
			t.Fatalf("alert %s stored twice", a.UID)
		}
		uids[a.UID] = true
		if i > 0 && a.Time.Before(list[i-1].Time) || a.PrevLevel != last[a.Src] {
			t.Fatalf("alert %d (%s level %d, previous %d) out of order; %s was last at level %d",
				a.ID, a.Src, a.Level, a.PrevLevel, a.Src, last[a.Src])
		}
		last[a.Src] = a.Level
	}
	blocks, err := s.Blocks(ctx, alerts.BlockQuery{IncludeRemoved: true})
	if err != nil {
		t.Fatal(err)
	}
	blocked := map[string]bool{}
	for _, b := range blocks {
		blocked[b.Prefix.Addr().String()] = true
	}
	for _, src := range append(srcs, "203.0.113.5") {
		if !blocked[src] {
			t.Errorf("the block of %s is not in the database: %v", src, blocks)
		}
	}
	outcomes := 0
	for _, a := range list {
		for _, o := range a.Outcomes {
			if o.Action == blockOutcome && o.OK {
				outcomes++
			}
		}
	}
	if outcomes != len(srcs)+1 {
		t.Errorf("%d block outcomes stored, want %d", outcomes, len(srcs)+1)
	}
}

// findStatus is src's attacker in st, nil when absent.
func findStatus(st *control.Status, src string) *control.AttackerStatus {
	for i := range st.Attackers {
		if st.Attackers[i].Src.String() == src {
			return &st.Attackers[i]
		}
	}
	return nil
}
