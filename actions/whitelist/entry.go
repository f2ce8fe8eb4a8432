package whitelist

import (
	"errors"
	"net/netip"
	"strings"
)

// Entry is one entry of the whitelist file.
type Entry struct {
	Text string `json:"text"` // as written
	// Prefixes are the networks it stands for: one for an address or a
	// network, the resolved addresses of a host name.
	Prefixes []netip.Prefix `json:"prefixes"`
	Line     int            `json:"line"`
	Comment  string         `json:"comment,omitempty"`
	Host     bool           `json:"host,omitempty"`
	// Err says why a host name did not resolve at the last Load.
	Err string `json:"error,omitempty"`
}

// Entry syntax errors.
var (
	errZone     = errors.New("an IPv6 zone (%) names no address ifw could block")
	errNotEntry = errors.New("not an IP address, a CIDR network or a host name")
	errSpaces   = errors.New("one entry per line (a comment starts with #)")
	errControl  = errors.New("control characters are not allowed")
)

// parseEntry reads one entry: an address, a CIDR network (its host bits
// cleared) or a host name.
func parseEntry(s string) (p netip.Prefix, host string, err error) {
	switch {
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return p, "", errControl
	case strings.ContainsAny(s, " \t"):
		return p, "", errSpaces
	case strings.Contains(s, "%"):
		return p, "", errZone
	case strings.Contains(s, "/"):
		p, err = netip.ParsePrefix(s)
		if err != nil {
			return p, "", err
		}
		return canonical(p), "", nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return canonical(netip.PrefixFrom(a, a.BitLen())), "", nil
	}
	if !isHostName(s) {
		return p, "", errNotEntry
	}
	return p, strings.ToLower(strings.TrimSuffix(s, ".")), nil
}

// entryKey is what two spellings of one entry share: the canonical network
// or the lower-case host name.
func entryKey(s string) (string, error) {
	p, host, err := parseEntry(s)
	if err != nil {
		return "", err
	}
	if host != "" {
		return host, nil
	}
	return p.String(), nil
}

// canonical clears the host bits and turns an IPv4-mapped IPv6 prefix into
// its IPv4 form.
func canonical(p netip.Prefix) netip.Prefix {
	p = p.Masked()
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

// isHostName accepts DNS names: dot-separated labels of letters, digits,
// hyphens and underscores, 1-63 bytes, not starting or ending with a
// hyphen, 253 bytes at most, and a last label that is not all digits (so a
// mistyped address such as 10.0.0.256 is an error, not a name).
func isHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if !isLabel(l) {
			return false
		}
	}
	last := labels[len(labels)-1]
	return strings.ContainsFunc(last, func(r rune) bool { return r < '0' || r > '9' })
}

func isLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}
