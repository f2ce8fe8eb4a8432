package rules

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// addrSet matches an address: in one of pos (or pos is empty) and in none
// of neg. v4 holds the IPv4 prefixes of pos and neg as address ranges.
type addrSet struct {
	pos, neg []netip.Prefix
	v4       valueSet
}

func (s *addrSet) on() bool { return len(s.pos)+len(s.neg) > 0 }

func (s *addrSet) has(a netip.Addr) bool {
	if a.Is4() {
		if len(s.pos) > 0 && len(s.v4.pos) == 0 {
			return false
		}
		b := a.As4()
		return s.v4.has(binary.BigEndian.Uint32(b[:]))
	}
	if len(s.pos) > 0 {
		in := false
		for _, p := range s.pos {
			if p.Contains(a) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, p := range s.neg {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// add adds an address or CIDR prefix, to neg when negated.
func (s *addrSet) add(item string, neg bool) error {
	p, err := parsePrefix(item)
	if err != nil {
		return err
	}
	to, to4 := &s.pos, &s.v4.pos
	if neg {
		to, to4 = &s.neg, &s.v4.neg
	}
	*to = append(*to, p)
	if p.Addr().Is4() {
		b := p.Addr().As4()
		lo := binary.BigEndian.Uint32(b[:])
		*to4 = append(*to4, span{lo, lo | uint32(1<<(32-p.Bits())-1)})
	}
	return nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, fmt.Errorf("bad network %q", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad address %q", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseAddrs parses an ifw address list: addresses and networks separated
// by commas, each optionally negated with !; op is = or !=.
func parseAddrs(key, op, val string) (addrSet, error) {
	var s addrSet
	if op != "=" && op != "!=" {
		return s, fmt.Errorf("%s: operator %s not allowed", key, op)
	}
	for _, item := range strings.Split(val, ",") {
		neg := strings.HasPrefix(item, "!")
		if neg && op == "!=" {
			return s, fmt.Errorf("%s: double negation %q", key, item)
		}
		if err := s.add(strings.TrimPrefix(item, "!"), neg || op == "!="); err != nil {
			return s, fmt.Errorf("%s: %w", key, err)
		}
	}
	return s, nil
}

// format renders s in the ifw list syntax.
func (s *addrSet) format() string {
	var items []string
	item := func(p netip.Prefix, neg string) {
		if p.IsSingleIP() {
			items = append(items, neg+p.Addr().String())
		} else {
			items = append(items, neg+p.String())
		}
	}
	for _, p := range s.pos {
		item(p, "")
	}
	for _, p := range s.neg {
		item(p, "!")
	}
	return strings.Join(items, ",")
}
