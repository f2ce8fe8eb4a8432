package fleet

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/pgtest"
)

func open(t *testing.T, url, host string) *Fleet {
	t.Helper()
	f, err := Open(Config{URL: url, Host: host}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// TestHostsAndOutage: daemons starting at once migrate once; a heartbeat
// while the server is down is ErrUnavailable; after it is back the fleet
// works again without reopening.
func TestHostsAndOutage(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	names := []string{"a", "b", "c"}
	fleets := make([]*Fleet, len(names))
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, n := range names {
		fleets[i] = open(t, url, n)
		wg.Go(func() { errs[i] = fleets[i].Beat(ctx, Health{Queued: int64(i)}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
	}
	hosts, err := fleets[0].Hosts(ctx, time.Hour)
	if err != nil || len(hosts) != 3 || hosts[2].Host != "c" || hosts[2].Queued != 2 {
		t.Fatalf("hosts %+v, %v", hosts, err)
	}
	srv.Stop(t)
	if err := fleets[1].Beat(ctx, Health{}); !errors.Is(err, alerts.ErrUnavailable) {
		t.Fatalf("beat while down: %v, want ErrUnavailable", err)
	}
	srv.Start(t)
	if err := fleets[1].Beat(ctx, Health{Degraded: true, Queued: 7}); err != nil {
		t.Fatalf("beat after restart: %v", err)
	}
	hosts, err = fleets[2].Hosts(ctx, 0)
	if err != nil || !hosts[1].Degraded || hosts[1].Queued != 7 {
		t.Fatalf("hosts %+v, %v", hosts, err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{}, {URL: "postgres://x@/y"}, {URL: "postgres://x@/y", Host: "a b"},
		{URL: "::nonsense", Host: "a"}, {URL: "postgres://x@/y", Host: "a", MaxConns: 65}} {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", c, err)
		}
	}
	if err := (Config{URL: "postgres://x@/y?host=/run/postgresql", Host: "a"}).Validate(); err != nil {
		t.Error(err)
	}
}
