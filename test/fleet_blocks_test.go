package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts/fleet"
)

// TestFleetBlocks: three daemons in three namespaces on one PostgreSQL,
// [block] share = fleet. An nmap scan of a gets its source blocked on a,
// and in b's and c's kernel sets (the propagation p50/p99 over 20 more
// attackers is logged); an unblock on b lifts it everywhere; a forged
// block of b's gateway decided on a is applied on a and c, refused on b
// and recorded so.
func TestFleetBlocks(t *testing.T) {
	fl := newFleetLab(t, []string{"a", "b", "c"}, func(string) string {
		return "auto = yes\nmin_level = 2\ndurations = 1h 1h 1h 1h 1h\nshare = fleet\n"
	}, nil)
	a, b, c := fl.host("a"), fl.host("b"), fl.host("c")

	a.lab.scan("-sS", "-p", "1-100")
	fl.waitAll("the scanner blocked on every host", time.Minute, func(h *fleetHost) bool { return h.inSet(attackerIP) })

	// 20 more attackers: the time from a's decision (a's record) to b's
	// and c's (made just before their kernel entry).
	a.lab.scanFromMany(20, "1-20")
	var attackers []string
	for i := range 20 {
		attackers = append(attackers, fmt.Sprintf("198.51.100.%d", 10+i))
	}
	fl.waitAll("20 attackers blocked on every host", time.Minute, func(h *fleetHost) bool {
		return !slices.ContainsFunc(attackers, func(ip string) bool { return !h.inSet(ip) })
	})
	decided := blockTimes(t, a)
	var lags []time.Duration
	for _, h := range []*fleetHost{b, c} {
		applied := blockTimes(t, h)
		for _, ip := range attackers {
			d, ok1 := decided[ip+"/32"]
			ap, ok2 := applied[ip+"/32"]
			if !ok1 || !ok2 {
				t.Fatalf("%s: %s decided %v, applied on %s %v", ip, a.name, ok1, h.name, ok2)
			}
			lags = append(lags, ap.Sub(d))
		}
	}
	slices.Sort(lags)
	t.Logf("block propagation a -> b, c over %d blocks: p50 %s, p99 %s, max %s", len(lags),
		lags[len(lags)/2], lags[(len(lags)*99+99)/100-1], lags[len(lags)-1])

	b.ifw("block", "del", attackerIP)
	fl.waitAll("the unblock on b lifted everywhere", time.Minute, func(h *fleetHost) bool { return !h.inSet(attackerIP) })

	// A forged block of b's gateway, decided on a.
	a.ifw("block", "add", b.gateway, "--reason", "forged")
	waitFor(t, "c applies the block of b's gateway", time.Minute, func() bool { return c.inSet(b.gateway) })
	obs, err := fleet.Open(fleet.Config{URL: fl.url, Host: "observer"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	gw := netip.PrefixFrom(netip.MustParseAddr(b.gateway), 32)
	var rec fleet.HostRecord
	waitFor(t, "b records its refusal", time.Minute, func() bool {
		recs, err := obs.HostRecords(ctx, "b", gw, true)
		if err != nil || len(recs) != 1 {
			return false
		}
		rec = recs[0]
		return rec.State == fleet.StateRefused
	})
	t.Logf("b: %s %s: %s", rec.Prefix, rec.State, rec.Detail)
	if !strings.Contains(rec.Detail, "gateway") || rec.Block.Origin != "a" {
		t.Errorf("b's record of its gateway's block: %+v", rec)
	}
	// What b refused is in its view of the fleet's blocks.
	var views []fleetView
	if err := json.Unmarshal([]byte(b.ifw("block", "list", "--fleet", "--json", "--config", b.d.conf)), &views); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(views, func(v fleetView) bool {
		return v.Prefix == gw.String() && v.Origin == "a" &&
			slices.ContainsFunc(v.Hosts, func(h fleetViewHost) bool { return h.Host == "b" && h.State == "refused" })
	}) {
		t.Errorf("ifw block list --fleet on b does not show its refusal: %+v", views)
	}
	t.Logf("ifw block list --fleet on b:\n%s", b.ifw("block", "list", "--fleet", "--config", b.d.conf))
	if b.inSet(b.gateway) || !a.inSet(b.gateway) {
		t.Errorf("b's gateway: in b's set %v (want false), in a's %v (want true)", b.inSet(b.gateway), a.inSet(b.gateway))
	}
}

// fleetView is an entry of `ifw block list --fleet --json`.
type fleetView struct {
	Prefix string          `json:"prefix"`
	Origin string          `json:"origin"`
	Hosts  []fleetViewHost `json:"hosts"`
}

type fleetViewHost struct {
	Host   string `json:"host"`
	State  string `json:"state"`
	Detail string `json:"detail"`
}

// blockTimes is h's active blocks' creation times by prefix (`ifw block
// list --json`); every one must be the fleet's, decided on a.
func blockTimes(t *testing.T, h *fleetHost) map[string]time.Time {
	t.Helper()
	var list []struct {
		Prefix  string    `json:"prefix"`
		Created time.Time `json:"created"`
		Host    string    `json:"host"`
		Scope   string    `json:"scope"`
	}
	if err := json.Unmarshal([]byte(h.ifw("block", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, b := range list {
		out[b.Prefix] = b.Created
		if b.Scope != "fleet" || b.Host != "a" {
			t.Errorf("%s: block list entry %s: scope %q host %q, want the fleet's, decided on a", h.name, b.Prefix, b.Scope, b.Host)
		}
	}
	return out
}
