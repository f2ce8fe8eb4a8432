package rules

import (
	"fmt"
	"strings"

	"github.com/ifw/ifw/sources"
)

// bitTest matches a flags byte f: f&mask == want, and when any is not zero
// at least one bit of any is set in f.
type bitTest struct {
	on         bool
	mask, want uint8
	any        uint8
}

func (t *bitTest) match(f uint8) bool {
	return f&t.mask == t.want && (t.any == 0 || f&t.any != 0)
}

// bitName names one bit of a flags byte.
type bitName struct {
	c   byte
	bit uint8
}

// alphabet is the letters of a flags byte; the first letter of a bit is the
// one used to render it.
type alphabet struct {
	what  string
	full  uint8
	names []bitName
}

// tcpAlphabet: FIN SYN RST PSH ACK URG ECE CWR; snort's 1 and 2 (the former
// reserved bits) are CWR and ECE.
var tcpAlphabet = alphabet{what: "flags", full: 0xff, names: []bitName{
	{'F', uint8(sources.FIN)}, {'S', uint8(sources.SYN)}, {'R', uint8(sources.RST)},
	{'P', uint8(sources.PSH)}, {'A', uint8(sources.ACK)}, {'U', uint8(sources.URG)},
	{'E', uint8(sources.ECE)}, {'C', uint8(sources.CWR)},
	{'2', uint8(sources.ECE)}, {'1', uint8(sources.CWR)},
}}

// fragAlphabet: snort's fragbits, M (more fragments), D (don't fragment),
// R (reserved, logged as CE).
var fragAlphabet = alphabet{what: "fragbits", full: 0x07, names: []bitName{
	{'M', uint8(sources.FlagMF)}, {'D', uint8(sources.FlagDF)}, {'R', uint8(sources.FlagCE)},
}}

func (a *alphabet) bit(c byte) (uint8, bool) {
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	for _, n := range a.names {
		if n.c == c {
			return n.bit, true
		}
	}
	return 0, false
}

// letters renders the bits of f.
func (a *alphabet) letters(f uint8) string {
	if f == 0 {
		return "0"
	}
	var b strings.Builder
	for _, n := range a.names {
		if f&n.bit != 0 && n.c >= 'A' {
			b.WriteByte(n.c)
			f &^= n.bit
		}
	}
	return b.String()
}

// parseBits parses snort's flags syntax: letters, or 0 for none, with at
// most one modifier anywhere (+ these and any others, * any of these, ! none
// of these; none: exactly these), then optionally a comma and the letters of
// bits to ignore.
func (a *alphabet) parse(s string) (bitTest, error) {
	spec, ignore, hasIgnore := strings.Cut(strings.TrimSpace(s), ",")
	var mode byte
	var set uint8
	zero := false
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		switch {
		case c == '+' || c == '*' || c == '!':
			if mode != 0 {
				return bitTest{}, fmt.Errorf("%s: more than one modifier in %q", a.what, s)
			}
			mode = c
		case c == '0':
			zero = true
		case c == ' ':
		default:
			b, ok := a.bit(c)
			if !ok {
				return bitTest{}, fmt.Errorf("%s: unknown flag %q", a.what, c)
			}
			set |= b
		}
	}
	ign, err := a.ignoreMask(ignore, hasIgnore)
	if err != nil {
		return bitTest{}, err
	}
	if zero == (set != 0) || (zero && mode != 0) {
		return bitTest{}, fmt.Errorf("%s: bad flags %q", a.what, s)
	}
	if (mode != 0 && set&^ign == 0) || a.full&^ign == 0 {
		return bitTest{}, fmt.Errorf("%s: the mask ignores every flag tested in %q", a.what, s)
	}
	return a.compile(mode, set, ign), nil
}

func (a *alphabet) ignoreMask(s string, present bool) (uint8, error) {
	var m uint8
	s = strings.TrimSpace(s)
	if present && s == "" {
		return 0, fmt.Errorf("%s: empty mask", a.what)
	}
	for i := 0; i < len(s); i++ {
		b, ok := a.bit(s[i])
		if !ok {
			return 0, fmt.Errorf("%s: unknown flag %q in mask", a.what, s[i])
		}
		m |= b
	}
	return m, nil
}

func (a *alphabet) compile(mode byte, set, ignore uint8) bitTest {
	set &^= ignore
	switch mode {
	case '+':
		return bitTest{on: true, mask: set, want: set}
	case '*':
		return bitTest{on: true, any: set}
	case '!':
		return bitTest{on: true, mask: set}
	}
	return bitTest{on: true, mask: a.full &^ ignore, want: set}
}

// merge ANDs u into t.
// requires reports whether every packet t matches has bit set (set) or
// has it clear (!set); known is false when t leaves the bit open.
func (t *bitTest) requires(bit uint8) (set, known bool) {
	if !t.on || t.mask&bit == 0 {
		return false, false
	}
	return t.want&bit != 0, true
}

func (t *bitTest) merge(u bitTest, what string) error {
	if !t.on {
		*t = u
		return nil
	}
	if t.any != 0 && u.any != 0 {
		return fmt.Errorf("%s: only one * list per rule", what)
	}
	if both := t.mask & u.mask; t.want&both != u.want&both {
		return fmt.Errorf("%s: contradictory flags", what)
	}
	t.mask |= u.mask
	t.want |= u.want
	t.any |= u.any
	return nil
}

// format renders t as ifw keyword values, each to be written key=value.
func (t *bitTest) format(a *alphabet) []string {
	var out []string
	ignore := a.full &^ t.mask
	exact := ignore == 0 || (a.full == 0xff && ignore == uint8(sources.ECE|sources.CWR))
	switch {
	case t.mask != 0 && exact:
		v := a.letters(t.want)
		if ignore != 0 {
			v += "," + a.letters(ignore)
		}
		out = append(out, v)
	case t.mask != 0:
		if t.want != 0 {
			out = append(out, "+"+a.letters(t.want))
		}
		if clear := t.mask &^ t.want; clear != 0 {
			out = append(out, "!"+a.letters(clear))
		}
	}
	if t.any != 0 {
		out = append(out, "*"+a.letters(t.any))
	}
	return out
}
