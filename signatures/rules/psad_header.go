package rules

import (
	"fmt"
	"strings"
)

// isAnyVar reports whether a psad address or port is any or a $VARIABLE;
// ifw does not expand variables (HOME_NET is the engine's business), so
// they match everything.
func isAnyVar(s string) bool { return s == "any" || strings.HasPrefix(s, "$") }

// psadList splits "[a,b]" into its items, or returns s alone; neg reports a
// leading !.
func psadList(s string) (items []string, neg bool, err error) {
	neg = strings.HasPrefix(s, "!")
	s = strings.TrimPrefix(s, "!")
	if !strings.HasPrefix(s, "[") {
		return []string{s}, neg, nil
	}
	if !strings.HasSuffix(s, "]") || strings.ContainsAny(s[1:len(s)-1], "[]") {
		return nil, false, fmt.Errorf("bad list %q", s)
	}
	return strings.Split(s[1:len(s)-1], ","), neg, nil
}

// parsePsadSpec parses a psad address or port field: any, $VAR, an item,
// !spec or [spec,…]. add takes each item with whether it is negated. A
// list containing a variable matches everything (the zero set).
func parsePsadSpec[T any](s string, add func(set *T, item string, neg bool) error) (T, error) {
	var set T
	items, neg, err := psadList(s)
	if err != nil {
		return set, err
	}
	for _, it := range items {
		itNeg := strings.HasPrefix(it, "!")
		it = strings.TrimPrefix(it, "!")
		if itNeg && neg {
			return set, fmt.Errorf("nested negation in %q", s)
		}
		if isAnyVar(it) {
			var all T
			return all, nil
		}
		if err := add(&set, it, neg != itNeg); err != nil {
			return set, err
		}
	}
	return set, nil
}

// parsePsadAddrs parses any, $VAR, an address, a CIDR network, !spec or
// [spec,…].
func parsePsadAddrs(s string) (addrSet, error) { return parsePsadSpec(s, (*addrSet).add) }

var portInfo = fieldInfo{name: "port", max: 65535}

// parsePsadPorts parses any, $VAR, N, N:M, N:, :M, !spec or [spec,…].
func parsePsadPorts(s string) (valueSet, error) { return parsePsadSpec(s, addPsadPort) }

// addPsadPort adds a port or a range (N:M, N:, :M) to set.
func addPsadPort(set *valueSet, it string, neg bool) error {
	r, err := parseItem(&portInfo, strings.Replace(it, ":", "-", 1))
	if err != nil || strings.Contains(it, "-") {
		return fmt.Errorf("bad port %q", it)
	}
	if neg {
		set.neg = append(set.neg, r)
	} else {
		set.pos = append(set.pos, r)
	}
	return nil
}
