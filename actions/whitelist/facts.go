package whitelist

import (
	"context"
	"net/netip"
)

// Facts are what the host's network configuration says must never be
// blocked.
type Facts struct {
	Addresses []Address
	Gateways  []Gateway
}

// Address is an address of an interface, with its prefix length (the
// connected network) and, on a point-to-point link, its peer.
type Address struct {
	Iface  string
	Prefix netip.Prefix // the address, not masked, and its prefix length
	Peer   netip.Prefix // invalid when there is none
}

// Gateway is a next hop of a route.
type Gateway struct {
	Addr  netip.Addr
	Iface string
	Dst   netip.Prefix // the route's destination; /0 for a default route
	Table int
}

// FactsFunc reads the host's addresses and routes. NetlinkFacts is the
// real one; tests give fixed facts.
type FactsFunc func(ctx context.Context) (Facts, error)

// protect turns facts into protected prefixes: own addresses first, then
// gateways (default routes first) and peers. connected lists the
// networks the host is connected to, for the default home_net.
func (f Facts) protect() (always, connected []Protected) {
	for _, a := range f.Addresses {
		if !a.Prefix.IsValid() {
			continue
		}
		addr := netip.PrefixFrom(a.Prefix.Addr(), a.Prefix.Addr().BitLen())
		always = append(always, Protected{Prefix: addr, Why: ReasonOwnAddress, Source: a.Iface})
		connected = append(connected, Protected{Prefix: a.Prefix, Why: ReasonOwnNetwork,
			Source: "connected to " + a.Iface, UntrustedOnly: true})
	}
	for _, defaults := range []bool{true, false} {
		for _, g := range f.Gateways {
			if isDefault(g.Dst) == defaults && g.Addr.IsValid() {
				always = append(always, Protected{Prefix: netip.PrefixFrom(g.Addr, g.Addr.BitLen()),
					Why: ReasonGateway, Source: g.describe()})
			}
		}
	}
	for _, a := range f.Addresses {
		if a.Peer.IsValid() {
			always = append(always, Protected{Prefix: a.Peer, Why: ReasonGateway, Source: "peer on " + a.Iface})
			connected = append(connected, Protected{Prefix: a.Peer, Why: ReasonOwnNetwork,
				Source: "connected to " + a.Iface, UntrustedOnly: true})
		}
	}
	return always, connected
}

func isDefault(dst netip.Prefix) bool { return !dst.IsValid() || dst.Bits() == 0 }

func (g Gateway) describe() string {
	s := "route to " + g.Dst.String()
	if isDefault(g.Dst) {
		s = "default route"
	}
	if g.Iface != "" {
		s += " via " + g.Iface
	}
	if g.Table != 0 && g.Table != 254 {
		s += ", table " + itoa(g.Table)
	}
	return s
}
