package whitelist

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
)

// maxLookups is how many host names are resolved at once.
const maxLookups = 16

// Resolver returns the addresses of a host name.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// systemResolver resolves through net.DefaultResolver, IPv4 and IPv6: Go's
// own resolver (the binary is built without cgo), which reads /etc/hosts
// and asks the DNS servers of /etc/resolv.conf; names only another NSS
// module knows (mdns, LDAP hosts) do not resolve.
func systemResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// resolveHosts fills the Prefixes of host name entries, in parallel, within
// timeout. A name that fails keeps the addresses it had at the previous
// load (prev, by name) and records the error in Entry.Err.
func resolveHosts(ctx context.Context, resolve Resolver, entries []Entry, prev map[string][]netip.Prefix) {
	sem := make(chan struct{}, maxLookups)
	var wg sync.WaitGroup
	for i := range entries {
		if !entries[i].Host {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(e *Entry) {
			defer func() { <-sem; wg.Done() }()
			resolveOne(ctx, resolve, e, prev)
		}(&entries[i])
	}
	wg.Wait()
}

func resolveOne(ctx context.Context, resolve Resolver, e *Entry, prev map[string][]netip.Prefix) {
	key, _ := entryKey(e.Text)
	addrs, err := resolve(ctx, key)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("no addresses")
	}
	if err != nil {
		e.Prefixes = prev[key]
		e.Err = err.Error()
		if len(e.Prefixes) > 0 {
			e.Err += "; keeping the addresses of the previous load"
		}
		return
	}
	seen := make(map[netip.Prefix]bool, len(addrs))
	for _, a := range addrs {
		p := canonical(netip.PrefixFrom(a.WithZone(""), a.BitLen()))
		if !seen[p] {
			seen[p] = true
			e.Prefixes = append(e.Prefixes, p)
		}
	}
}
