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

// parsePsadAddrs parses any, $VAR, an address, a CIDR network, !spec or
// [spec,…]. A list containing a variable matches everything.
func parsePsadAddrs(s string) (addrSet, error) {
	var set addrSet
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
			return addrSet{}, nil
		}
		if err := set.add(it, neg != itNeg); err != nil {
			return set, err
		}
	}
	return set, nil
}

var portInfo = fieldInfo{name: "port", max: 65535}

// parsePsadPorts parses any, $VAR, N, N:M, N:, :M, !spec or [spec,…].
func parsePsadPorts(s string) (valueSet, error) {
	var set valueSet
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
			return valueSet{}, nil
		}
		r, err := parseItem(&portInfo, strings.Replace(it, ":", "-", 1))
		if err != nil || strings.Contains(it, "-") {
			return set, fmt.Errorf("bad port %q", it)
		}
		if neg != itNeg {
			set.neg = append(set.neg, r)
		} else {
			set.pos = append(set.pos, r)
		}
	}
	return set, nil
}
