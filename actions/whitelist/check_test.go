package whitelist

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// why runs Check and returns the reason of a refusal, 0 when allowed.
func why(t *testing.T, g *Guard, p netip.Prefix, trusted bool) Reason {
	t.Helper()
	err := g.Check(p, trusted)
	if err == nil {
		return 0
	}
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
		t.Fatalf("Check(%v): %v is not a *RefusedError matching ErrRefused", p, err)
	}
	if re.Prefix != p || re.Why != re.Entry.Why && re.Why != ReasonInvalid && re.Why != ReasonNotLoaded {
		t.Fatalf("Check(%v): inconsistent error %+v", p, re)
	}
	return re.Why
}

func TestCheckDefaultHomeNet(t *testing.T) {
	g := loadedGuard(t, Config{})
	tests := []struct {
		prefix    string
		trusted   Reason // reason when trusted; 0 = may block
		untrusted Reason // reason for untrusted evidence
	}{
		{"8.8.8.8/32", 0, 0},
		{"2001:4860::8888/128", 0, 0},
		{"203.0.113.8/32", 0, 0},
		// own addresses, loopback among them
		{"127.0.0.1/32", ReasonOwnAddress, ReasonOwnAddress},
		{"::ffff:127.0.0.1/128", ReasonOwnAddress, ReasonOwnAddress},
		{"::1/128", ReasonOwnAddress, ReasonOwnAddress},
		{"192.168.1.10/32", ReasonOwnAddress, ReasonOwnAddress},
		{"2001:db8:1::10/128", ReasonOwnAddress, ReasonOwnAddress},
		{"10.9.0.1/32", ReasonOwnAddress, ReasonOwnAddress},
		// built-in networks
		{"127.1.2.3/32", ReasonLoopback, ReasonLoopback},
		{"::ffff:127.1.2.3/128", ReasonLoopback, ReasonLoopback},
		{"::ffff:7f00:0/104", ReasonOwnAddress, ReasonOwnAddress},
		{"0.0.0.0/32", ReasonUnspecified, ReasonUnspecified},
		{"0.1.2.3/32", ReasonUnspecified, ReasonUnspecified},
		{"::/128", ReasonUnspecified, ReasonUnspecified},
		{"::ffff:0.0.0.0/128", ReasonUnspecified, ReasonUnspecified},
		{"169.254.1.1/32", ReasonLinkLocal, ReasonLinkLocal},
		{"fe80::2/128", ReasonLinkLocal, ReasonLinkLocal},
		// gateways: default, other tables, point-to-point peers
		{"192.168.1.1/32", ReasonGateway, ReasonGateway},
		{"::ffff:192.168.1.1/128", ReasonGateway, ReasonGateway},
		{"fe80::1/128", ReasonGateway, ReasonGateway},
		{"198.51.100.254/32", ReasonGateway, ReasonGateway},
		{"10.9.0.2/32", ReasonGateway, ReasonGateway},
		// DNS servers, a zone dropped
		{"9.9.9.9/32", ReasonDNS, ReasonDNS},
		{"2620:fe::fe/128", ReasonDNS, ReasonDNS},
		{"fe80::53/128", ReasonDNS, ReasonDNS},
		// whitelist file: address, network, mapped, host name
		{"203.0.113.7/32", ReasonWhitelist, ReasonWhitelist},
		{"198.51.100.5/32", ReasonWhitelist, ReasonWhitelist},
		{"198.51.100.16/32", 0, 0},
		{"203.0.113.9/32", ReasonWhitelist, ReasonWhitelist},
		{"::ffff:203.0.113.9/128", ReasonWhitelist, ReasonWhitelist},
		{"203.0.113.50/32", ReasonWhitelist, ReasonWhitelist},
		{"203.0.113.51/32", ReasonWhitelist, ReasonWhitelist},
		{"2001:db8:2::50/128", ReasonWhitelist, ReasonWhitelist},
		// prefixes covering protected ones
		{"203.0.113.0/24", ReasonWhitelist, ReasonWhitelist},
		{"198.51.100.0/30", ReasonWhitelist, ReasonWhitelist},
		{"192.168.0.0/16", ReasonOwnAddress, ReasonOwnAddress},
		{"9.0.0.0/8", ReasonDNS, ReasonDNS},
		{"0.0.0.0/0", ReasonOwnAddress, ReasonOwnAddress},
		{"::/0", ReasonOwnAddress, ReasonOwnAddress},
		{"8000::/1", ReasonOwnAddress, ReasonOwnAddress},
		{"::ffff:0:0/96", ReasonOwnAddress, ReasonOwnAddress},
		{"::fffe:0:0/95", ReasonOwnAddress, ReasonOwnAddress},
		{"2001:db8:ffff::/48", 0, 0},
		{"2001:db8:2::/64", ReasonWhitelist, ReasonWhitelist},
		// untrusted evidence: connected networks, then private ones
		{"192.168.1.77/32", 0, ReasonOwnNetwork},
		{"::ffff:192.168.1.77/128", 0, ReasonOwnNetwork},
		{"2001:db8:1::99/128", 0, ReasonOwnNetwork},
		{"192.168.7.7/32", 0, ReasonPrivate},
		{"10.1.1.1/32", 0, ReasonPrivate},
		{"172.20.0.1/32", 0, ReasonPrivate},
		{"172.32.0.1/32", 0, 0},
		{"fd12:3456::1/128", 0, ReasonPrivate},
		{"10.0.0.0/7", ReasonOwnAddress, ReasonOwnAddress},
		{"10.128.0.0/9", 0, ReasonPrivate},
	}
	for _, tt := range tests {
		p := netip.MustParsePrefix(tt.prefix)
		if got := why(t, g, p, true); got != tt.trusted {
			t.Errorf("Check(%s, trusted) = %v, want %v", tt.prefix, got, tt.trusted)
		}
		if got := why(t, g, p, false); got != tt.untrusted {
			t.Errorf("Check(%s, untrusted) = %v, want %v", tt.prefix, got, tt.untrusted)
		}
	}
}

func TestCheckHomeNet(t *testing.T) {
	home := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	g := loadedGuard(t, Config{HomeNet: home})
	tests := []struct {
		prefix    string
		trusted   Reason
		untrusted Reason
	}{
		{"198.51.100.99/32", 0, ReasonHomeNet},
		{"::ffff:198.51.100.99/128", 0, ReasonHomeNet},
		{"198.51.0.0/16", ReasonGateway, ReasonGateway},
		{"198.51.101.0/24", 0, 0},
		{"198.51.100.0/25", ReasonWhitelist, ReasonWhitelist},
		{"2001:db8:77::1/128", 0, ReasonHomeNet},
		{"2001::/16", ReasonOwnAddress, ReasonOwnAddress},
		// an explicit home_net replaces the default
		{"192.168.1.77/32", 0, 0},
		{"10.1.1.1/32", 0, 0},
		{"192.168.1.1/32", ReasonGateway, ReasonGateway},
	}
	for _, tt := range tests {
		p := netip.MustParsePrefix(tt.prefix)
		if got := why(t, g, p, true); got != tt.trusted {
			t.Errorf("Check(%s, trusted) = %v, want %v", tt.prefix, got, tt.trusted)
		}
		if got := why(t, g, p, false); got != tt.untrusted {
			t.Errorf("Check(%s, untrusted) = %v, want %v", tt.prefix, got, tt.untrusted)
		}
	}
}

func TestCheckBeforeLoadAndInvalid(t *testing.T) {
	g := testGuard(t, Config{}, testWhitelist, nil, nil)
	tests := []struct {
		name string
		p    netip.Prefix
		want Reason
	}{
		{"not loaded", netip.MustParsePrefix("8.8.8.8/32"), ReasonNotLoaded},
		{"invalid", netip.Prefix{}, ReasonInvalid},
		{"bad length", netip.PrefixFrom(netip.MustParseAddr("8.8.8.8"), 33), ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := why(t, g, tt.p, true); got != tt.want {
				t.Errorf("Check = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRefusedErrorText(t *testing.T) {
	g := loadedGuard(t, Config{})
	tests := []struct {
		prefix  string
		trusted bool
		want    string
	}{
		{"192.168.1.1/32", true, "will not block 192.168.1.1/32: it overlaps gateway 192.168.1.1/32 (default route via eth0)"},
		{"198.51.100.254/32", true, "will not block 198.51.100.254/32: it overlaps gateway 198.51.100.254/32 (route to 203.0.113.0/24 via eth1, table 100)"},
		{"10.1.1.1/32", false, "will not block 10.1.1.1/32 on untrusted evidence (syslog file): it overlaps private network 10.0.0.0/8 (default home_net)"},
		{"203.0.113.50/32", true, "it overlaps whitelist 203.0.113.50/32 ("},
	}
	for _, tt := range tests {
		err := g.Check(netip.MustParsePrefix(tt.prefix), tt.trusted)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%s) = %v, want %q", tt.prefix, err, tt.want)
		}
	}
}
