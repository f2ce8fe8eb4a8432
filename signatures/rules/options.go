package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// optTest matches IP or TCP options: present when any option is logged
// (anyOpt) or when one of kinds is; the test passes when present != neg.
type optTest struct {
	on, neg, anyOpt bool
	kinds           [4]uint64
}

func (t *optTest) match(b []byte) bool { return t.present(b) != t.neg }

func (t *optTest) hasKind(k byte) bool { return t.kinds[k>>6]&(1<<(k&63)) != 0 }

// present walks the type-length-value option list.
func (t *optTest) present(b []byte) bool {
	if t.anyOpt {
		return len(b) > 0
	}
	for i := 0; i < len(b); {
		k := b[i]
		if t.hasKind(k) {
			return true
		}
		switch {
		case k == 0:
			return false
		case k == 1:
			i++
		case i+1 >= len(b) || b[i+1] < 2:
			return false
		default:
			i += int(b[i+1])
		}
	}
	return false
}

// optName names an option kind.
type optName struct {
	name string
	kind byte
}

// optNames is the vocabulary of ipopts or tcpopts; the first name of a kind
// is the one used to render it.
type optNames struct {
	what  string
	names []optName
}

// ipOptNames: the IPv4 option type byte (copy flag, class and number).
var ipOptNames = optNames{what: "ipopts", names: []optName{
	{"eol", 0}, {"nop", 1}, {"rr", 7}, {"ts", 68}, {"sec", 130}, {"lsrr", 131},
	{"lsrre", 132}, {"esec", 133}, {"cipso", 134}, {"satid", 136}, {"ssrr", 137},
	{"rtralt", 148},
}}

var tcpOptNames = optNames{what: "tcpopts", names: []optName{
	{"eol", 0}, {"nop", 1}, {"mss", 2}, {"wscale", 3}, {"sackok", 4}, {"sack", 5},
	{"ts", 8}, {"md5", 19}, {"ao", 29}, {"mptcp", 30}, {"fastopen", 34},
}}

// parse parses "any", "none" or a comma-separated list of option names or
// numbers; op is = or !=.
func (n *optNames) parse(op, val string) (optTest, error) {
	t := optTest{on: true, neg: op == "!="}
	if op != "=" && op != "!=" {
		return t, fmt.Errorf("%s: operator %s not allowed", n.what, op)
	}
	switch strings.ToLower(val) {
	case "any":
		t.anyOpt = true
		return t, nil
	case "none":
		t.anyOpt, t.neg = true, !t.neg
		return t, nil
	}
	for _, item := range strings.Split(val, ",") {
		k, err := n.kind(item)
		if err != nil {
			return t, err
		}
		t.kinds[k>>6] |= 1 << (k & 63)
	}
	return t, nil
}

func (n *optNames) kind(s string) (byte, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, o := range n.names {
		if o.name == s {
			return o.kind, nil
		}
	}
	v, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return 0, fmt.Errorf("%s: unknown option %q", n.what, s)
	}
	return byte(v), nil
}

// format renders t as key and value.
func (n *optNames) format(t *optTest) (op, val string) {
	op = "="
	if t.neg {
		op = "!="
	}
	if t.anyOpt {
		return op, "any"
	}
	var items []string
	for k := 0; k < 256; k++ {
		if t.hasKind(byte(k)) {
			items = append(items, n.name(byte(k)))
		}
	}
	return op, strings.Join(items, ",")
}

func (n *optNames) name(k byte) string {
	for _, o := range n.names {
		if o.kind == k {
			return o.name
		}
	}
	return strconv.Itoa(int(k))
}
