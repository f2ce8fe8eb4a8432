package whitelist

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/vishvananda/netlink"
)

// dumpTries is how often a netlink dump the kernel interrupted (addresses
// or routes changed meanwhile) is tried.
const dumpTries = 5

// NetlinkFacts reads the addresses of every interface and the gateways of
// every route of every routing table (filtering on table 0, unspecified,
// lists them all) through netlink handle h; nil means
// the daemon's own network namespace.
func NetlinkFacts(h *netlink.Handle) FactsFunc {
	if h == nil {
		h = &netlink.Handle{}
	}
	return func(ctx context.Context) (Facts, error) {
		names, err := linkNames(h)
		if err != nil {
			return Facts{}, err
		}
		addrs, err := retryDump(ctx, func() ([]netlink.Addr, error) { return h.AddrList(nil, netlink.FAMILY_ALL) })
		if err != nil {
			return Facts{}, fmt.Errorf("listing addresses: %w", err)
		}
		routes, err := retryDump(ctx, func() ([]netlink.Route, error) {
			return h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: 0}, netlink.RT_FILTER_TABLE)
		})
		if err != nil {
			return Facts{}, fmt.Errorf("listing routes: %w", err)
		}
		return Facts{Addresses: addresses(addrs, names), Gateways: gateways(routes, names)}, nil
	}
}

// retryDump runs a netlink dump again while the kernel reports it was
// interrupted.
func retryDump[T any](ctx context.Context, dump func() ([]T, error)) ([]T, error) {
	for try := 1; ; try++ {
		out, err := dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) || try == dumpTries {
			return out, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

func linkNames(h *netlink.Handle) (map[int]string, error) {
	links, err := retryDump(context.Background(), h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("listing interfaces: %w", err)
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	return names, nil
}

func addresses(addrs []netlink.Addr, names map[int]string) []Address {
	var out []Address
	for _, a := range addrs {
		p, ok := ipNetPrefix(a.IPNet)
		if !ok {
			continue
		}
		ad := Address{Iface: ifName(names, a.LinkIndex), Prefix: p}
		if peer, ok := ipNetPrefix(a.Peer); ok && peer.Addr() != p.Addr() {
			ad.Peer = canonical(peer)
		}
		out = append(out, ad)
	}
	return out
}

func gateways(routes []netlink.Route, names map[int]string) []Gateway {
	var out []Gateway
	add := func(r netlink.Route, ip net.IP, via netlink.Destination, link int) {
		a, ok := ipAddr(ip)
		if !ok {
			a, ok = viaAddr(via)
		}
		if ok {
			dst, _ := ipNetPrefix(r.Dst)
			out = append(out, Gateway{Addr: a, Iface: ifName(names, link), Dst: dst, Table: r.Table})
		}
	}
	for _, r := range routes {
		add(r, r.Gw, r.Via, r.LinkIndex)
		for _, nh := range r.MultiPath {
			add(r, nh.Gw, nh.Via, nh.LinkIndex)
		}
	}
	return out
}

func viaAddr(d netlink.Destination) (netip.Addr, bool) {
	if v, ok := d.(*netlink.Via); ok && v != nil {
		return ipAddr(v.Addr)
	}
	return netip.Addr{}, false
}

func ipAddr(ip net.IP) (netip.Addr, bool) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok || !a.IsValid() {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// ipNetPrefix converts an address and mask, keeping the host bits.
func ipNetPrefix(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := ipAddr(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, bits := n.Mask.Size()
	if bits == 0 {
		return netip.Prefix{}, false
	}
	if a.Is4() && bits == 128 {
		ones -= 96
	}
	return netip.PrefixFrom(a, ones), ones >= 0
}

func ifName(names map[int]string, index int) string {
	if n, ok := names[index]; ok {
		return n
	}
	if index == 0 {
		return ""
	}
	return "if" + strconv.Itoa(index)
}

func itoa(i int) string { return strconv.Itoa(i) }
