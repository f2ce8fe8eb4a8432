package rules

import (
	"net/netip"
	"strconv"
	"time"
)

// UnknownExe as Rule.Exe matches only connections whose process could not
// be found (Conn.Exe == "").
const UnknownExe = "unknown"

// PortRange is an inclusive range of destination ports; the zero value
// means any port.
type PortRange struct{ Lo, Hi uint16 }

// Any reports whether r is the zero value: any port.
func (r PortRange) Any() bool { return r == PortRange{} }

// Contains reports whether port p is in r (always, for any port).
func (r PortRange) Contains(p uint16) bool { return r.Any() || r.Lo <= p && p <= r.Hi }

// String is "N" or "LO-HI", "any" for the zero value.
func (r PortRange) String() string {
	switch {
	case r.Any():
		return "any"
	case r.Lo == r.Hi:
		return strconv.Itoa(int(r.Lo))
	}
	return strconv.Itoa(int(r.Lo)) + "-" + strconv.Itoa(int(r.Hi))
}

// Rule says what to do with new outbound connections of one application
// (or any) to one destination (or any). A rule matches a connection when
// every condition it sets matches; an unset condition matches anything.
//
// Of the rules matching a connection the most specific decides (see the
// package documentation): executable named, then sha256 set, then the
// longest destination prefix (a host counts as /32 or /128), then the
// narrowest port range, then protocol set, then user set, then deny and
// reject before allow, then the lowest ID.
type Rule struct {
	ID     uint64 // assigned by Set.Add / Set.Load; 0 before
	Action Action
	// Exe is the executable's absolute, clean path; "" is any executable
	// (written exe=any); UnknownExe matches only connections whose process
	// was not found, which a path never matches.
	Exe string
	// SHA256 is the executable's hash, lowercase hex. When set the
	// connection's hash must equal it; a connection without one never
	// matches.
	SHA256 string
	// Dst is the destination network; the zero Prefix is any destination.
	// Masked, never IPv4-mapped IPv6.
	Dst netip.Prefix
	// Host is a destination host name, lowercase, or "*.DOMAIN": any name
	// ending in ".DOMAIN" (label-aligned; not DOMAIN itself). A name
	// matches when the destination is one of the addresses it resolved to
	// (Set.Resolve) or when it is one of the connection's Names (learned
	// from DNS answers); a wildcard matches the Names only. With Dst also
	// set, both must match.
	Host  string
	Ports PortRange // only with a port protocol (or any protocol)
	Proto uint8     // IP protocol number, 0 = any
	// User is the user as written (name or number), "" = any user; UID is
	// its number, meaningful only when User != "" (0 otherwise).
	User string
	UID  uint32
	// Lifetime with Until (Timed: the rule no longer matches from Until on)
	// or Idle (Session: it expires after Idle without a match; 0 is the
	// Set's default, 60 s).
	Lifetime Lifetime
	Until    time.Time
	Idle     time.Duration
	Note     string // free text
	Created  time.Time
}

// Conn is one new outbound connection, what rules are matched against.
type Conn struct {
	Exe    string // the executable's path; "" when the process is unknown
	SHA256 string // lowercase hex; "" when not computed
	UID    uint32
	HasUID bool
	Dst    netip.Addr // IPv4-mapped IPv6 is treated as IPv4
	Port   uint16     // destination port (0 for ICMP)
	Proto  uint8
	// Names are the names the destination address is known by from the
	// DNS answers the host received (lowercase, no trailing dot); nil
	// when none.
	Names []string
}

// identity is r with what does not make a rule different removed: two rules
// with the same identity are the same rule (Add reports ErrDuplicate, Load
// keeps the ID). It is comparable with == and usable as a map key.
func identity(r Rule) Rule {
	r.ID, r.Created, r.Note = 0, time.Time{}, ""
	r.Until = r.Until.Round(0).UTC()
	return r
}
