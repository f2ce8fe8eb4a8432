package rules

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentMatchAndChange runs Match in several goroutines while
// others add, delete, expire, resolve, load and save; run it with -race.
// The permanent catch-all deny is never removed, so every Match matches.
func TestConcurrentMatchAndChange(t *testing.T) {
	dns := newFakeDNS(map[string]string{"example.org": "203.0.113.7"})
	s := testSet(t, dns)
	base := mustAdd(t, s, "deny exe=any note=base")
	path := filepath.Join(t.TempDir(), "rules")
	var stop atomic.Bool
	var misses atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			c := conn(fmt.Sprintf("/bin/app%d", g%2), "203.0.113.7", 443, ProtoTCP)
			for now := t0; !stop.Load(); now = now.Add(time.Millisecond) {
				if _, ok := s.Match(c, now); !ok {
					misses.Add(1)
				}
				_ = s.Entries()
			}
		})
	}
	kinds := []Rule{
		mustParse(t, "allow exe=/bin/app0 port=443"),
		mustParse(t, "deny exe=/bin/app1 host=example.org"),
		mustParse(t, "allow exe=/bin/app0 lifetime=once"),
		mustParse(t, "allow exe=/bin/app1 idle=1s"),
		mustParse(t, "reject dst=203.0.113.0/24 until=2030-01-01T00:00:00Z"),
	}
	wg.Go(func() { churn(s, kinds, 300) })
	wg.Go(func() {
		for i := 0; i < 20; i++ {
			_ = s.Resolve(t.Context())
			if err := s.Save(path); err != nil {
				t.Error(err)
			}
			if _, err := s.Load(path); err != nil {
				t.Error(err)
			}
			s.Expire(t0.Add(time.Duration(i) * time.Second))
		}
	})
	time.Sleep(100 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if misses.Load() != 0 {
		t.Errorf("%d Matches found no rule", misses.Load())
	}
	if _, ok := s.Get(base.ID); !ok {
		t.Error("base rule lost")
	}
}

// churn adds and deletes rules of these kinds n times.
func churn(s *Set, kinds []Rule, n int) {
	for i := range n {
		r := kinds[i%len(kinds)]
		r.Note = fmt.Sprint(i)
		r, err := s.Add(r, t0)
		if err != nil {
			continue // a duplicate of one not yet deleted
		}
		if i%3 != 0 {
			s.Delete(r.ID)
		}
	}
}
