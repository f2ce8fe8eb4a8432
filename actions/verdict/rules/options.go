package rules

import (
	"context"
	"net"
	"net/netip"
	"time"
)

// Resolver returns the addresses of a host name. nil in Options means
// net.DefaultResolver.LookupNetIP(ctx, "ip", host).
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

func systemResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Defaults of Options.
const (
	DefaultIdle           = 60 * time.Second
	DefaultResolveTimeout = 5 * time.Second
)

// Options configures a Set. The zero value is usable.
type Options struct {
	Resolver Resolver   // nil: the system's resolver
	Users    UserLookup // nil: the system's user database
	// DefaultIdle is how long a Session rule with Idle 0 lives without a
	// match; 0 means DefaultIdle (60 s).
	DefaultIdle time.Duration
	// ResolveTimeout bounds the look-up of a new host name by Add; 0 means
	// DefaultResolveTimeout (5 s).
	ResolveTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Resolver == nil {
		o.Resolver = systemResolver
	}
	if o.DefaultIdle <= 0 {
		o.DefaultIdle = DefaultIdle
	}
	if o.ResolveTimeout <= 0 {
		o.ResolveTimeout = DefaultResolveTimeout
	}
	return o
}
