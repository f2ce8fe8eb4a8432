package rules

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// maxLookups is how many host names Resolve looks up at once.
const maxLookups = 8

// Resolve looks up every host name the rules name again and publishes the
// new addresses. A name that fails (or gives no address) keeps the
// addresses it had; the failures are returned joined, one per name
// ("host NAME: …"), matching ErrResolve.
//
// Load does not resolve: call Resolve after Load (and from time to time,
// as addresses change).
func (s *Set) Resolve(ctx context.Context) error {
	var names []string
	for h := range s.snap.Load().hosts {
		names = append(names, h)
	}
	slices.Sort(names)
	addrs := make([][]netip.Addr, len(names))
	errs := make([]error, len(names))
	sem := make(chan struct{}, maxLookups)
	var wg sync.WaitGroup
	for i, h := range names {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			addrs[i], errs[i] = s.lookup(ctx, h)
		})
	}
	wg.Wait()
	_ = s.change(func(c *changeSet) error {
		for i, h := range names {
			if _, named := c.hosts[h]; named && errs[i] == nil {
				c.hosts[h] = addrs[i]
			}
		}
		return nil
	})
	return errors.Join(errs...)
}

// IsWildcard reports whether host is a "*.DOMAIN" pattern, which matches
// learned names only and is never looked up.
func IsWildcard(host string) bool { return strings.HasPrefix(host, "*.") }

// resolveNew looks up a host name no rule names yet (within
// ResolveTimeout); nil, nil for a known name or none.
func (s *Set) resolveNew(host string) ([]netip.Addr, error) {
	if host == "" || IsWildcard(host) {
		return nil, nil
	}
	if addrs, known := s.snap.Load().hosts[host]; known && addrs != nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ResolveTimeout)
	defer cancel()
	return s.lookup(ctx, host)
}

// lookup resolves one name: its addresses unmapped, without zones, sorted,
// each once; an error matching ErrResolve when it fails or gives none.
func (s *Set) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	got, err := s.opts.Resolver(ctx, host)
	if err == nil && len(got) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: host %s: %w", ErrResolve, host, err)
	}
	out := make([]netip.Addr, 0, len(got))
	for _, a := range got {
		if a.IsValid() {
			out = append(out, a.Unmap().WithZone(""))
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out), nil
}
