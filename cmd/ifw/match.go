package main

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/ifw/ifw/sources"
)

// match is ifw analyze's --match filter: every given field must match.
type match struct {
	src, dst []netip.Prefix
	ports    [][2]uint16 // destination port ranges
	sports   [][2]uint16
	protos   []uint8
	prefixes []string // log prefix substrings
	ifaces   []string
}

// matchFields names the fields --match takes, with what each holds.
var matchFields = map[string]string{
	"src": "source address or CIDR", "dst": "destination address or CIDR",
	"port": "destination port or range (22, 6000-6063)", "sport": "source port or range",
	"proto": "protocol name or number", "prefix": "text in the log prefix", "in": "input interface",
}

func validMatchFields() string {
	names := make([]string, 0, len(matchFields))
	for k, v := range matchFields {
		names = append(names, fmt.Sprintf("%s (%s)", k, v))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// parseMatch reads "field=value,field=value"; a field may repeat (any of
// its values matches).
func parseMatch(s string) (*match, error) {
	m := &match{}
	for _, term := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(term), "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("--match: %q is not field=value; fields: %s", term, validMatchFields())
		}
		if _, known := matchFields[k]; !known {
			return nil, fmt.Errorf("--match: unknown field %q; fields: %s", k, validMatchFields())
		}
		if err := m.add(k, v); err != nil {
			return nil, fmt.Errorf("--match %s=%s: %w", k, v, err)
		}
	}
	return m, nil
}

func (m *match) add(k, v string) error {
	switch k {
	case "src", "dst":
		p, err := parsePrefix(v)
		if err != nil {
			return err
		}
		if k == "src" {
			m.src = append(m.src, p)
		} else {
			m.dst = append(m.dst, p)
		}
	case "port", "sport":
		r, err := parsePortRange(v)
		if err != nil {
			return err
		}
		if k == "port" {
			m.ports = append(m.ports, r)
		} else {
			m.sports = append(m.sports, r)
		}
	case "proto":
		n, ok := sources.ProtoByName(v)
		if !ok {
			return fmt.Errorf("unknown protocol")
		}
		m.protos = append(m.protos, n)
	case "prefix":
		m.prefixes = append(m.prefixes, v)
	case "in":
		m.ifaces = append(m.ifaces, v)
	}
	return nil
}

// parsePrefix takes an address or a CIDR.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parsePortRange takes "22" or "6000-6063".
func parsePortRange(s string) ([2]uint16, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	a, err1 := strconv.ParseUint(lo, 10, 16)
	b, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil || a > b {
		return [2]uint16{}, fmt.Errorf("not a port or port range")
	}
	return [2]uint16{uint16(a), uint16(b)}, nil
}

// ok reports whether p passes the filter.
func (m *match) ok(p *sources.Packet) bool {
	return anyPrefix(m.src, p.Src) && anyPrefix(m.dst, p.Dst) &&
		anyPort(m.ports, p, p.DstPort) && anyPort(m.sports, p, p.SrcPort) &&
		anyOf(m.protos, p.Proto) && anyText(m.prefixes, p.Prefix, strings.Contains) &&
		anyText(m.ifaces, p.In, func(a, b string) bool { return a == b })
}

func anyPrefix(ps []netip.Prefix, a netip.Addr) bool {
	if len(ps) == 0 {
		return true
	}
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func anyPort(rs [][2]uint16, p *sources.Packet, port uint16) bool {
	if len(rs) == 0 {
		return true
	}
	if !p.Has(sources.HasPorts) {
		return false
	}
	for _, r := range rs {
		if r[0] <= port && port <= r[1] {
			return true
		}
	}
	return false
}

func anyOf(ns []uint8, n uint8) bool {
	if len(ns) == 0 {
		return true
	}
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

func anyText(ss []string, s string, eq func(string, string) bool) bool {
	if len(ss) == 0 {
		return true
	}
	for _, x := range ss {
		if eq(s, x) {
			return true
		}
	}
	return false
}
