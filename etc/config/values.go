package config

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// The value parsers of the key tables: each reads a value's form (a whole
// number, a duration, a path) and leaves its bounds to the Validate of
// the package that uses it.

// duration reads a Go duration and refuses a bare number, which would
// otherwise be nanoseconds.
func duration(v string, dst *time.Duration) error {
	if _, err := strconv.Atoi(v); err == nil {
		return fmt.Errorf("%q needs a unit (e.g. %ss)", v, v)
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration (1h, 90m, 3600s)", v)
	}
	*dst = d
	return nil
}

// durationOrZero is a duration, or "0".
func durationOrZero(v string, dst *time.Duration) error {
	if v == "0" {
		*dst = 0
		return nil
	}
	return duration(v, dst)
}

func yesNo(v string, dst *bool) error {
	switch strings.ToLower(v) {
	case "yes", "true", "on", "1":
		*dst = true
	case "no", "false", "off", "0":
		*dst = false
	default:
		return fmt.Errorf("%q: want yes or no", v)
	}
	return nil
}

// whole reads a whole number, 0 or more.
func whole(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a whole number", v)
	}
	*dst = n
	return nil
}

// intRange reads a whole number within bounds that are the value's type
// (a port, a prefix length), not a policy: policies are Validate's.
func intRange(v string, lo, hi int, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%q: want a whole number from %d to %d", v, lo, hi)
	}
	*dst = n
	return nil
}

// uintValue reads a number up to limit (decimal, or 0x hexadecimal), the
// largest its field holds.
func uintValue(v string, limit uint64) (uint64, error) {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil || n > limit {
		return 0, fmt.Errorf("%q: want a number from 0 to %d", v, limit)
	}
	return n, nil
}

func oneOf(v string, dst *string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			*dst = v
			return nil
		}
	}
	return fmt.Errorf("%q: want one of %s", v, strings.Join(allowed, ", "))
}

// text is a value that may not be empty.
func text(v string, dst *string) error {
	if v == "" {
		return errors.New("needs a value")
	}
	*dst = v
	return nil
}

func absPath(v string, dst *string) error {
	if !filepath.IsAbs(v) {
		return fmt.Errorf("%q is not an absolute path", v)
	}
	*dst = v
	return nil
}

func absPaths(v string, dst *[]string) error {
	list := words(v)
	for _, p := range list {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("%q is not an absolute path", p)
		}
	}
	*dst = list
	return nil
}

// levels reads the counts of the danger levels 1-5; that they rise is
// signatures.Config.Validate's.
func levels(v string, dst *[signatures.MaxLevel]int) error {
	f := words(v)
	if len(f) != len(dst) {
		return fmt.Errorf("want %d counts for levels 1-%d, got %d", len(dst), len(dst), len(f))
	}
	for i, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		dst[i] = n
	}
	return nil
}

func prefixes(v string, dst *[]netip.Prefix) error {
	*dst = nil
	if v == "any" || v == "" {
		return nil
	}
	for _, s := range words(v) {
		p, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("%q is not an address or network", s)
		}
		*dst = append(*dst, p)
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

func portRanges(v string, dst *[]signatures.PortRange) error {
	*dst = nil
	for _, s := range words(v) {
		r, err := portRange(s)
		if err != nil {
			return err
		}
		*dst = append(*dst, r)
	}
	return nil
}

// portRange reads PORT, LO-HI, or either after PROTO/ (tcp/22, psad's
// IGNORE_PORTS form); a protocol without ports is refused.
func portRange(s string) (signatures.PortRange, error) {
	protoText, ports, hasProto := strings.Cut(s, "/")
	if !hasProto {
		return signatures.ParsePortRange(s)
	}
	proto, ok := sources.ProtoByName(protoText)
	if !ok || !sources.HasPortsProto(proto) {
		return signatures.PortRange{}, fmt.Errorf("%q: %q is not a protocol with ports", s, protoText)
	}
	r, err := signatures.ParsePortRange(ports)
	r.Proto = proto
	return r, err
}

func protocols(v string, dst *[]uint8) error {
	*dst = nil
	for _, s := range words(v) {
		n, ok := sources.ProtoByName(s)
		if !ok {
			return fmt.Errorf("%q is not a protocol", s)
		}
		*dst = append(*dst, n)
	}
	return nil
}

// words splits at commas and white space.
func words(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// commaList splits at commas only (log prefixes hold spaces).
func commaList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// errAt is an error about key, for the reader to place.
func errAt(key, reason string) error {
	return &etc.ConfigError{Key: key, Reason: reason}
}

// positive reads a whole number, 1 or more (0 would be the field's
// default: a value written is meant).
func positive(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("%q is not a whole number from 1", v)
	}
	*dst = n
	return nil
}
