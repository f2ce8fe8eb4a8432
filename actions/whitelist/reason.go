package whitelist

import (
	"fmt"
	"net/netip"
)

// Reason says why a prefix is protected. A refusal names the first reason
// in this order, so the most specific fact about an address wins ("the
// gateway fe80::1" rather than "link-local").
type Reason uint8

// Reasons.
const (
	ReasonOwnAddress  Reason = iota + 1 // an address of this host
	ReasonGateway                       // a next hop of a route, a point-to-point peer
	ReasonDNS                           // a nameserver of resolv.conf
	ReasonWhitelist                     // an entry of the whitelist file
	ReasonLoopback                      // 127.0.0.0/8, ::1
	ReasonUnspecified                   // 0.0.0.0/8, ::
	ReasonLinkLocal                     // 169.254.0.0/16, fe80::/10
	ReasonHomeNet                       // untrusted evidence: inside Config.HomeNet
	ReasonOwnNetwork                    // untrusted evidence, no HomeNet: a connected network
	ReasonPrivate                       // untrusted evidence, no HomeNet: RFC 1918, RFC 4193
	ReasonNotLoaded                     // Check before the first successful Load
	ReasonInvalid                       // an invalid prefix
)

var reasonText = [...]string{
	ReasonOwnAddress:  "own address",
	ReasonGateway:     "gateway",
	ReasonDNS:         "DNS server",
	ReasonWhitelist:   "whitelist",
	ReasonLoopback:    "loopback",
	ReasonUnspecified: "unspecified",
	ReasonLinkLocal:   "link-local",
	ReasonHomeNet:     "home_net",
	ReasonPrivate:     "private network",
	ReasonOwnNetwork:  "own network",
	ReasonNotLoaded:   "never-block list not loaded",
	ReasonInvalid:     "invalid prefix",
}

func (r Reason) String() string {
	if int(r) < len(reasonText) && reasonText[r] != "" {
		return reasonText[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// MarshalText makes a Reason its text in JSON listings.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a Reason back from its text (a client of the
// control API decoding a listing); an unknown text is an error.
func (r *Reason) UnmarshalText(b []byte) error {
	for i, t := range reasonText {
		if t != "" && t == string(b) {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("whitelist: unknown reason %q", b)
}

// Protected is one prefix of the never-block list.
type Protected struct {
	Prefix netip.Prefix `json:"prefix"`
	Why    Reason       `json:"why"`
	// Source says where it comes from: an interface, a route, a file and
	// line, "built-in", "home_net".
	Source string `json:"source"`
	// UntrustedOnly is true when it protects only against untrusted
	// evidence (home_net and its default).
	UntrustedOnly bool `json:"untrusted_only"`
}

func (p Protected) String() string {
	if p.Source == "" {
		return fmt.Sprintf("%s %s", p.Why, p.Prefix)
	}
	return fmt.Sprintf("%s %s (%s)", p.Why, p.Prefix, p.Source)
}

// builtin lists the networks protected on every host.
func builtin() []Protected {
	list := []struct {
		why Reason
		ps  []string
	}{
		{ReasonLoopback, []string{"127.0.0.0/8", "::1/128"}},
		{ReasonUnspecified, []string{"0.0.0.0/8", "::/128"}},
		{ReasonLinkLocal, []string{"169.254.0.0/16", "fe80::/10"}},
	}
	var out []Protected
	for _, l := range list {
		for _, p := range l.ps {
			out = append(out, Protected{Prefix: netip.MustParsePrefix(p), Why: l.why, Source: "built-in"})
		}
	}
	return out
}

// privateNets are protected from untrusted evidence when HomeNet is empty.
func privateNets() []Protected {
	var out []Protected
	for _, p := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"} {
		out = append(out, Protected{Prefix: netip.MustParsePrefix(p), Why: ReasonPrivate,
			Source: "default home_net", UntrustedOnly: true})
	}
	return out
}
