package whitelist

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/ifw/ifw/test/testenv"
)

// The test in this file reads the real kernel's addresses and routes, in a
// network namespace of its own (testenv.NewNetNS: needs root and ip).

func TestNetlinkFactsInNamespace(t *testing.T) {
	ns := routedNS(t)
	h := nsHandle(t, ns)
	facts, err := NetlinkFacts(h)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var addrs, gws []string
	for _, a := range facts.Addresses {
		addrs = append(addrs, a.Iface+" "+a.Prefix.String()+" "+a.Peer.String())
	}
	for _, g := range facts.Gateways {
		gws = append(gws, g.Addr.String()+" "+g.describe())
	}
	for _, want := range []string{"lo 127.0.0.1/8 invalid Prefix", "veth0 198.51.100.2/24 invalid Prefix",
		"veth0 2001:db8:5::2/64 invalid Prefix", "veth0 203.0.113.1/32 203.0.113.2/32"} {
		if !slices.Contains(addrs, want) {
			t.Errorf("addresses %q lack %q", addrs, want)
		}
	}
	for _, want := range []string{"198.51.100.1 default route via veth0", "2001:db8:5::1 default route via veth0",
		"198.51.100.3 route to 192.0.2.0/24 via veth0, table 100",
		"198.51.100.4 route to 10.20.0.0/16 via veth0", "198.51.100.5 route to 10.20.0.0/16 via veth0"} {
		if !slices.Contains(gws, want) {
			t.Errorf("gateways %q lack %q", gws, want)
		}
	}

	g, err := New(Config{File: t.TempDir() + "/wl", ResolvConf: []string{}}, nil, WithFacts(NetlinkFacts(h)))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]Reason{"198.51.100.1/32": ReasonGateway, "::ffff:198.51.100.1/128": ReasonGateway,
		"2001:db8:5::1/128": ReasonGateway, "198.51.100.2/32": ReasonOwnAddress, "203.0.113.2/32": ReasonGateway,
		"198.51.100.4/32": ReasonGateway, "198.51.100.9/32": 0} {
		if got := why(t, g, netip.MustParsePrefix(p), true); got != want {
			t.Errorf("Check(%s) = %v, want %v", p, got, want)
		}
	}
	if got := why(t, g, netip.MustParsePrefix("198.51.100.9/32"), false); got != ReasonOwnNetwork {
		t.Errorf("untrusted Check of a LAN neighbour = %v, want own network", got)
	}
}

// routedNS makes a namespace with addresses (one point-to-point), default
// routes, a route in table 100 and a multipath route.
func routedNS(t *testing.T) *testenv.NetNS {
	t.Helper()
	ns := testenv.NewNetNS(t, "wl")
	testenv.Veth(t, ns, "veth0", ns, "peer0")
	for _, cmd := range []string{
		"addr add 198.51.100.2/24 dev veth0", "addr add 2001:db8:5::2/64 dev veth0 nodad",
		"addr add 203.0.113.1 peer 203.0.113.2 dev veth0",
		"route add default via 198.51.100.1", "-6 route add default via 2001:db8:5::1",
		"route add 192.0.2.0/24 via 198.51.100.3 table 100",
		"route add 10.20.0.0/16 nexthop via 198.51.100.4 nexthop via 198.51.100.5",
	} {
		ns.Run(t, append([]string{"ip"}, strings.Fields(cmd)...)...)
	}
	return ns
}

func nsHandle(t *testing.T, ns *testenv.NetNS) *netlink.Handle {
	t.Helper()
	nsh, err := netns.GetFromPath(ns.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nsh.Close() })
	h, err := netlink.NewHandleAt(nsh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}
