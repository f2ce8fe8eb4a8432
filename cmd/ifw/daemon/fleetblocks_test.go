package daemon

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/test/pgtest"
)

// fleetHost starts a daemon named host sharing its blocks through url;
// whitelist lines go into its never-block list.
func fleetHost(t *testing.T, url, host string, whitelist ...string) (*lab, *running) {
	t.Helper()
	l := newLab(t)
	l.blockExtra = "share = fleet"
	if err := os.WriteFile(filepath.Join(l.dir, "whitelist"), []byte(strings.Join(whitelist, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.writeConf(t, "", "[store]\nurl = "+url)
	conf, err := os.ReadFile(l.conf)
	if err != nil {
		t.Fatal(err)
	}
	conf = []byte(strings.Replace(string(conf), "[daemon]\n", "[daemon]\nhost = "+host+"\n", 1))
	if err := os.WriteFile(l.conf, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	return l, l.start(t)
}

// TestDaemonFleetBlocks: a block decided on a is applied on b; an unblock
// on b ends it on a; a block b's never-block list covers is refused on b
// and recorded so; decisions made while the database is down (and the
// notifications nobody could hear) are shared once it is back.
func TestDaemonFleetBlocks(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	la, a := fleetHost(t, url, "a")
	lb, b := fleetHost(t, url, "b", "192.0.2.77")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	obs, err := fleet.Open(fleet.Config{URL: url, Host: "observer"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()

	if _, err := a.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.7", Reason: "by hand"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b applies a's block", func() bool { return lb.kernel.has("198.51.100.7/32") })
	if recs := blocksOf(t, b, "198.51.100.7/32"); len(recs) != 1 || !strings.Contains(recs[0].Reason, "decided on a") ||
		recs[0].Scope != alerts.ScopeFleet || recs[0].Host != "a" {
		t.Fatalf("b's record %+v", recs)
	}
	eventually(t, "a lists its block as shared", func() bool {
		recs := blocksOf(t, a, "198.51.100.7/32")
		return len(recs) == 1 && recs[0].Scope == alerts.ScopeFleet && recs[0].Host == "a"
	})
	// Expiry is absolute: b's kernel lets it go when a's does.
	if ta, tb := la.kernel.ttl("198.51.100.7/32"), lb.kernel.ttl("198.51.100.7/32"); ta < 59*time.Minute || (ta-tb).Abs() > 5*time.Second {
		t.Fatalf("kernel timeouts: a %s, b %s", ta, tb)
	}
	if _, err := b.client.Unblock(ctx, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a applies b's unblock", func() bool { return !la.kernel.has("198.51.100.7/32") })
	hist, err := obs.BlockHistory(ctx, netip.MustParsePrefix("198.51.100.7/32"), 0)
	if err != nil || len(hist) != 1 || hist[0].Origin != "a" || hist[0].RemovedBy != "b" {
		t.Fatalf("history %+v %v", hist, err)
	}

	if _, err := a.client.Block(ctx, control.BlockRequest{Prefix: "192.0.2.77", Reason: "forged"}); err != nil {
		t.Fatal(err)
	}
	gw := netip.MustParsePrefix("192.0.2.77/32")
	eventually(t, "b records its refusal", func() bool {
		recs, err := obs.HostRecords(ctx, "b", gw, true)
		return err == nil && len(recs) == 1 && recs[0].State == fleet.StateRefused && strings.Contains(recs[0].Detail, "192.0.2.77")
	})
	if lb.kernel.has("192.0.2.77/32") || !la.kernel.has("192.0.2.77/32") {
		t.Fatal("the refused block is in b's kernel, or not in a's")
	}

	// An outage: a blocks, b unblocks; nobody hears of it until the
	// database is back, then both are shared.
	if _, err := a.client.Block(ctx, control.BlockRequest{Prefix: "203.0.113.5", Reason: "before"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b applies 203.0.113.5", func() bool { return lb.kernel.has("203.0.113.5/32") })
	srv.Stop(t)
	if _, err := a.client.Block(ctx, control.BlockRequest{Prefix: "2001:db8::66", Reason: "during the outage"}); err != nil {
		t.Fatalf("blocking with the database down: %v", err)
	}
	if _, err := b.client.Unblock(ctx, "203.0.113.5"); err != nil {
		t.Fatalf("unblocking with the database down: %v", err)
	}
	if !la.kernel.has("2001:db8::66/128") {
		t.Fatal("a's own block waited for the database")
	}
	srv.Start(t)
	eventually(t, "b applies the block made during the outage", func() bool { return lb.kernel.has("2001:db8::66/128") })
	eventually(t, "a applies the unblock made during the outage", func() bool { return !la.kernel.has("203.0.113.5/32") })
}

// ttl is the timeout k's entry of p was given.
func (k *fakeKernel) ttl(p string) time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.entries[netip.MustParsePrefix(p)]
}

// blocksOf is r's active blocks of prefix.
func blocksOf(t *testing.T, r *running, prefix string) []alerts.Block {
	t.Helper()
	list, err := r.client.Blocks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []alerts.Block
	for _, a := range list {
		if a.Prefix.String() == prefix {
			out = append(out, a.Block)
		}
	}
	return out
}

// TestDaemonFleetBlockNotRepublished: a block applied from the fleet is
// never published again, even when this host's record of it was lost
// (the database failed between the kernel entry and the record) and the
// fleet ended it meanwhile: it is lifted here, not brought back.
func TestDaemonFleetBlockNotRepublished(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	lb, _ := fleetHost(t, url, "b")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := fleet.Open(fleet.Config{URL: url, Host: "a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p := netip.MustParsePrefix("198.51.100.9/32")
	row, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Reason: "scan", Level: 3, Source: alerts.BlockAuto,
		Created: time.Now(), Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "b applies a's block", func() bool { return lb.kernel.has(p.String()) })
	eventually(t, "b records it", func() bool {
		recs, err := a.HostRecords(ctx, "b", p, true)
		return err == nil && len(recs) == 1 && recs[0].State == fleet.StateApplied
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DELETE FROM fleet_block_hosts WHERE host = 'b'`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RemoveBlock(ctx, p, alerts.RemovedDeleted, time.Now()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b lifts it", func() bool { return !lb.kernel.has(p.String()) })
	hist, err := a.BlockHistory(ctx, p, 0)
	if err != nil || len(hist) != 1 || hist[0].ID != row.ID || hist[0].Active() {
		t.Fatalf("the fleet's rows of %s: %+v %v (want the one, removed)", p, hist, err)
	}
}

// FuzzFleetNews: whatever a notification on the fleet's channel says, the
// worker notes at most one valid prefix of another host's and never
// fails.
func FuzzFleetNews(f *testing.F) {
	for _, s := range []string{"add 198.51.100.7/32 a", "del 2001:db8::/64 b", "add 198.51.100.7/32 self", "", "add x y", "a b c d"} {
		f.Add(s)
	}
	fl, err := fleet.Open(fleet.Config{URL: "postgres://x@/y?host=/nonexistent", Host: "self"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer fl.Close()
	f.Fuzz(func(t *testing.T, payload string) {
		w := &fleetBlocks{fleet: fl, wake: make(chan struct{}, 1), news: map[netip.Prefix]bool{}}
		w.heard(fleet.BlockNews{Payload: payload})
		if len(w.news) > 1 || w.full {
			t.Fatalf("%q: news %v, full %v", payload, w.news, w.full)
		}
		for p := range w.news {
			if !p.IsValid() || strings.HasSuffix(payload, " self") {
				t.Fatalf("%q: noted %v", payload, p)
			}
		}
	})
}
