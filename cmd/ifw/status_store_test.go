package main

import (
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestStoreStatusSpool: the store line of a shared database says whether
// it is reachable, how much waits in the outage spool, and what was given
// up; a healthy SQLite store says nothing.
func TestStoreStatusSpool(t *testing.T) {
	for _, c := range []struct {
		st   control.StoreStatus
		want []string
	}{
		{control.StoreStatus{Kind: "sqlite"}, nil},
		{control.StoreStatus{Kind: "postgresql", Spool: &control.SpoolStatus{Dir: "/var/lib/ifw/spool"}},
			[]string{"Store: postgresql ok"}},
		{control.StoreStatus{Kind: "postgresql", Degraded: true, Queued: 42, LastError: "connection refused",
			Spool: &control.SpoolStatus{Dir: "/var/lib/ifw/spool", Down: true, Queued: 42, Bytes: 4096, Dropped: 3, Outages: 1}},
			[]string{"postgresql DEGRADED", "unreachable", "42 writes queued in /var/lib/ifw/spool", "3 writes given up",
				"last error: connection refused"}},
		{control.StoreStatus{Kind: "postgresql", Degraded: true, Queued: 7,
			Spool: &control.SpoolStatus{Dir: "/s", Queued: 7, Outages: 1, Delivered: 100}},
			[]string{"delivering 7 queued writes", "100 writes delivered"}},
	} {
		var b strings.Builder
		writeStoreStatus(&b, c.st)
		if len(c.want) == 0 && b.Len() != 0 {
			t.Errorf("%+v: %q, want nothing", c.st, b.String())
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%+v: %q lacks %q", c.st, b.String(), w)
			}
		}
	}
}
