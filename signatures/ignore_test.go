package signatures

import (
	"net/netip"
	"testing"

	"github.com/ifw/ifw/sources"
)

func TestIgnoreLists(t *testing.T) {
	prefixes := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	withPrefix := func(prefix string) func(*sources.Packet) {
		return func(p *sources.Packet) { p.Prefix = prefix }
	}
	for _, tc := range []struct {
		name    string
		cfg     func(*Config)
		pkt     *sources.Packet
		ignored bool
		reason  string
	}{
		{"source address", func(c *Config) { c.IgnoreSources = prefixes(attacker + "/32") }, syn(attacker, victim, 1), true, "source"},
		{"source network", func(c *Config) { c.IgnoreSources = prefixes("198.51.0.0/16") }, syn(attacker, victim, 1), true, "source"},
		{"other source", func(c *Config) { c.IgnoreSources = prefixes("192.0.2.0/24") }, syn(attacker, victim, 1), false, ""},
		{"v6 source", func(c *Config) { c.IgnoreSources = prefixes("2001:db8:bad::/48") }, syn("2001:db8:bad::1", victim6, 1), true, "source"},
		{"port", func(c *Config) { c.IgnorePorts = []PortRange{{sources.ProtoTCP, 22, 22}} }, syn(attacker, victim, 22), true, "port"},
		{"port other proto", func(c *Config) { c.IgnorePorts = []PortRange{{sources.ProtoUDP, 22, 22}} }, syn(attacker, victim, 22), false, ""},
		{"port range any proto", func(c *Config) { c.IgnorePorts = []PortRange{{0, 6000, 6063}} }, udp(attacker, victim, 6010), true, "port"},
		{"port outside range", func(c *Config) { c.IgnorePorts = []PortRange{{0, 6000, 6063}} }, udp(attacker, victim, 6064), false, ""},
		{"protocol", func(c *Config) { c.IgnoreProtocols = []uint8{sources.ProtoICMP} }, icmp(attacker, victim, 8, 0), true, "protocol"},
		{"interface", func(c *Config) { c.IgnoreInterfaces = []string{"eth0"} }, syn(attacker, victim, 1), true, "interface"},
		{"interface wildcard", func(c *Config) { c.IgnoreInterfaces = []string{"eth+"} }, syn(attacker, victim, 1), true, "interface"},
		{"other interface", func(c *Config) { c.IgnoreInterfaces = []string{"eth1", "wl+"} }, syn(attacker, victim, 1), false, ""},
		{"log prefix exact", func(c *Config) { c.IgnoreLogPrefixes = []string{"IFW DROP"} }, syn(attacker, victim, 1), true, "log_prefix"},
		{"log prefix substring", func(c *Config) { c.IgnoreLogPrefixes = []string{"DROP"} }, syn(attacker, victim, 1), true, "log_prefix"},
		{"log prefix other", func(c *Config) { c.IgnoreLogPrefixes = []string{"ACCEPT"} }, syn(attacker, victim, 1), false, ""},
		{"home net in", func(c *Config) { c.HomeNet = prefixes("203.0.113.0/24") }, syn(attacker, victim, 1), false, ""},
		{"home net out", func(c *Config) { c.HomeNet = prefixes("192.0.2.0/24", "2001:db8::/32") }, syn(attacker, victim, 1), true, "home_net"},
		{"require prefix hit", func(c *Config) { c.RequirePrefix = []string{"DROP"} }, syn(attacker, victim, 1), false, ""},
		{"require prefix miss", func(c *Config) { c.RequirePrefix = []string{"psad"} }, tcp(attacker, victim, 1, sources.SYN, withPrefix("other")), true, "require_prefix"},
		{"output chain", nil, tcp(attacker, victim, 1, sources.SYN, func(p *sources.Packet) { p.Chain, p.In, p.Out = sources.ChainOutput, "", "eth0" }), true, "chain"},
		{"forward chain", nil, tcp(attacker, victim, 1, sources.SYN, func(p *sources.Packet) { p.Chain, p.Out = sources.ChainForward, "eth1" }), false, ""},
		{"output chain counted", func(c *Config) { c.IgnoreChains = nil }, tcp(attacker, victim, 1, sources.SYN, func(p *sources.Packet) { p.Chain = sources.ChainOutput }), false, ""},
		{"invalid source", nil, tcp(attacker, victim, 1, sources.SYN, func(p *sources.Packet) { p.Src = netip.Addr{} }), true, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mods := []func(*Config){}
			if tc.cfg != nil {
				mods = append(mods, tc.cfg)
			}
			e := newEngine(t, mods...)
			feed(e, []*sources.Packet{tc.pkt})
			st := e.Stats()
			if tracked := st.Sources == 1; tracked == tc.ignored {
				t.Errorf("tracked %v, want ignored %v", tracked, tc.ignored)
			}
			if tc.ignored && st.Ignored[tc.reason] != 1 {
				t.Errorf("ignored %v, want 1 for %q", st.Ignored, tc.reason)
			}
			if st.Packets != 1 || (st.Counted == 1) == tc.ignored {
				t.Errorf("stats %+v", st)
			}
		})
	}
}
