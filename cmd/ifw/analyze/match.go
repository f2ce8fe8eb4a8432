package analyze

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// match is ifw analyze's --match filter: every given field must match.
type match struct {
	src, dst []netip.Prefix
	ports    []signatures.PortRange // destination ports
	sports   []signatures.PortRange
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
		p, err := signatures.ParsePrefix(v)
		if err != nil {
			return err
		}
		if k == "src" {
			m.src = append(m.src, p)
		} else {
			m.dst = append(m.dst, p)
		}
	case "port", "sport":
		r, err := signatures.ParsePortRange(v)
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

func anyPort(rs []signatures.PortRange, p *sources.Packet, port uint16) bool {
	if len(rs) == 0 {
		return true
	}
	if !p.Has(sources.HasPorts) {
		return false
	}
	for _, r := range rs {
		if r.Lo <= port && port <= r.Hi {
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
