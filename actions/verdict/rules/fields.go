package rules

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// keys lists the keys of a rule line in the order String writes them.
const keys = "exe, sha256, dst, host, port, proto, user, lifetime, until, idle, note, created"

// lineState is what parsing one line gathers besides the Rule itself.
type lineState struct {
	users    UserLookup
	lifetime string // the lifetime= value, "" when absent
	seen     map[string]bool
}

// setField parses one key=value into r.
func (st *lineState) setField(r *Rule, f field) error {
	if st.seen[f.key] {
		return &FieldError{Key: f.key, Err: errors.New("repeated")}
	}
	st.seen[f.key] = true
	var err error
	switch f.key {
	case "exe":
		r.Exe, err = parseExe(f.val)
	case "sha256":
		r.SHA256, err = strings.ToLower(f.val), nil
	case "dst":
		r.Dst, err = parseDst(f.val)
	case "host":
		r.Host, err = strings.ToLower(f.val), nil
	case "port":
		r.Ports, err = parsePorts(f.val)
	case "proto":
		r.Proto, err = ParseProto(f.val)
	case "user":
		r.User, r.UID, err = parseUser(f.val, st.users)
	default:
		return st.setMeta(r, f)
	}
	if err != nil {
		return &FieldError{Key: f.key, Err: err}
	}
	return nil
}

// setMeta parses the keys about the rule's life rather than what it
// matches.
func (st *lineState) setMeta(r *Rule, f field) error {
	var err error
	switch f.key {
	case "lifetime":
		st.lifetime = f.val
	case "until":
		r.Until, err = parseTime(f.val)
	case "idle":
		r.Idle, err = parseIdle(f.val)
	case "note":
		r.Note = f.val
	case "created":
		r.Created, err = parseTime(f.val)
	default:
		return &FieldError{Key: f.key, Err: errors.New("unknown key (keys: " + keys + ")")}
	}
	if err != nil {
		return &FieldError{Key: f.key, Err: err}
	}
	return nil
}

func parseExe(v string) (string, error) {
	if strings.EqualFold(v, "any") {
		return "", nil
	}
	if strings.EqualFold(v, UnknownExe) {
		return UnknownExe, nil
	}
	return v, nil
}

// parseDst reads an address or a CIDR network; an address is a /32 or
// /128, host bits of a network are cleared, IPv4-mapped IPv6 is IPv4.
func parseDst(v string) (netip.Prefix, error) {
	if strings.EqualFold(v, "any") {
		return netip.Prefix{}, errors.New(`"any": leave dst out for any destination`)
	}
	if !strings.Contains(v, "/") {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q: want an address or CIDR network", v)
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q: zones are not allowed", v)
		}
		return canonicalPrefix(netip.PrefixFrom(a, a.BitLen())), nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q: want an address or CIDR network", v)
	}
	return canonicalPrefix(p), nil
}

// parsePorts reads N or LO-HI.
func parsePorts(v string) (PortRange, error) {
	lo, hi, isRange := strings.Cut(v, "-")
	if !isRange {
		hi = lo
	}
	l, err1 := strconv.ParseUint(lo, 10, 16)
	h, err2 := strconv.ParseUint(hi, 10, 16)
	switch {
	case err1 != nil || err2 != nil:
		return PortRange{}, fmt.Errorf("%q: want a port 0-65535 or a range LO-HI", v)
	case l > h:
		return PortRange{}, fmt.Errorf("%q: range upside down", v)
	case h == 0:
		return PortRange{}, errors.New("port 0 alone: leave port out for any port")
	}
	return PortRange{Lo: uint16(l), Hi: uint16(h)}, nil
}

// parseUser reads a user name (looked up) or number.
func parseUser(v string, users UserLookup) (string, uint32, error) {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return v, uint32(n), nil
	}
	if v[0] >= '0' && v[0] <= '9' && strings.Trim(v, "0123456789") == "" {
		return "", 0, fmt.Errorf("%q: user number out of range", v)
	}
	uid, err := users.lookup(v)
	if err != nil {
		return "", 0, fmt.Errorf("unknown user %q: %w", v, err)
	}
	return v, uid, nil
}

// parseTime reads an RFC 3339 time, kept in UTC.
func parseTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want an RFC 3339 time such as 2026-11-22T12:00:00Z", v)
	}
	if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q: year out of range", v)
	}
	return t, nil
}

func parseIdle(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 10m", v)
	}
	return d, nil
}
