package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// span is an inclusive range of values.
type span struct{ lo, hi uint32 }

// valueSet is a set of unsigned values: v is in it when v lies in one of
// pos (or pos is empty) and in none of neg.
type valueSet struct {
	pos, neg []span
}

func (s *valueSet) has(v uint32) bool {
	if len(s.pos) > 0 {
		in := false
		for _, r := range s.pos {
			if v >= r.lo && v <= r.hi {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, r := range s.neg {
		if v >= r.lo && v <= r.hi {
			return false
		}
	}
	return true
}

// width is the number of values pos covers.
func (s *valueSet) width() uint64 {
	var n uint64
	for _, r := range s.pos {
		n += uint64(r.hi-r.lo) + 1
	}
	return n
}

// parseValues parses the value of an ifw numeric keyword: with = or != a
// comma-separated list of N, N-M, N- (to the maximum), <N, >N, <=N, >=N or a
// name, each item optionally negated with !; with <, >, <= or >= one number.
func parseValues(fi *fieldInfo, op, val string) (valueSet, error) {
	var s valueSet
	switch op {
	case "<", ">", "<=", ">=":
		r, err := parseCompare(fi, op, val)
		s.pos = []span{r}
		return s, err
	case "=", "!=":
	default:
		return s, fmt.Errorf("%s: operator %s not allowed", fi.name, op)
	}
	for _, item := range strings.Split(val, ",") {
		neg := strings.HasPrefix(item, "!")
		if neg && op == "!=" {
			return s, fmt.Errorf("%s: double negation %q", fi.name, item)
		}
		r, err := parseItem(fi, strings.TrimPrefix(item, "!"))
		if err != nil {
			return s, err
		}
		if neg || op == "!=" {
			s.neg = append(s.neg, r)
		} else {
			s.pos = append(s.pos, r)
		}
	}
	return s, nil
}

// parseItem parses one list item without its negation.
func parseItem(fi *fieldInfo, item string) (span, error) {
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if rest, ok := strings.CutPrefix(item, op); ok {
			return parseCompare(fi, op, rest)
		}
	}
	if fi.names != nil {
		if v, ok := fi.names(strings.ToLower(item)); ok {
			return span{v, v}, nil
		}
	}
	lo, hi, isRange := strings.Cut(item, "-")
	if !isRange {
		v, err := parseNumber(fi, item)
		return span{v, v}, err
	}
	r := span{0, fi.max}
	var err error
	if lo != "" {
		if r.lo, err = parseNumber(fi, lo); err != nil {
			return r, err
		}
	}
	if hi != "" {
		if r.hi, err = parseNumber(fi, hi); err != nil {
			return r, err
		}
	}
	if r.lo > r.hi || (lo == "" && hi == "") {
		return r, fmt.Errorf("%s: bad range %q", fi.name, item)
	}
	return r, nil
}

// parseCompare turns op and a number into a range.
func parseCompare(fi *fieldInfo, op, val string) (span, error) {
	v, err := parseNumber(fi, val)
	if err != nil {
		return span{}, err
	}
	switch op {
	case "<":
		if v == 0 {
			return span{}, fmt.Errorf("%s: nothing is < 0", fi.name)
		}
		return span{0, v - 1}, nil
	case ">":
		if v == fi.max {
			return span{}, fmt.Errorf("%s: nothing is > %d", fi.name, fi.max)
		}
		return span{v + 1, fi.max}, nil
	case "<=":
		return span{0, v}, nil
	}
	return span{v, fi.max}, nil
}

var errEmpty = errors.New("empty value")

// parseNumber parses a decimal or 0x-hexadecimal number, or a name the
// field knows, and checks it against the field's maximum.
func parseNumber(fi *fieldInfo, s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%s: %w", fi.name, errEmpty)
	}
	if fi.names != nil {
		if v, ok := fi.names(strings.ToLower(s)); ok {
			return v, nil
		}
	}
	base, digits := 10, s
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		base, digits = 16, h
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", fi.name, s)
	}
	if v > uint64(fi.max) {
		return 0, fmt.Errorf("%s: %d is out of range 0-%d", fi.name, v, fi.max)
	}
	return uint32(v), nil
}

// format renders s in the ifw list syntax.
func (s *valueSet) format(fi *fieldInfo) string {
	var b strings.Builder
	item := func(r span, neg bool) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if neg {
			b.WriteByte('!')
		}
		b.WriteString(fi.format(r.lo))
		switch {
		case r.hi == r.lo:
		case r.hi == fi.max:
			b.WriteByte('-')
		default:
			b.WriteString("-" + fi.format(r.hi))
		}
	}
	for _, r := range s.pos {
		item(r, false)
	}
	for _, r := range s.neg {
		item(r, true)
	}
	return b.String()
}
