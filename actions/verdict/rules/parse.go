package rules

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseLine reads one rule line, as `ifw rules add` passes it:
//
//	ACTION key=value key=value ... [# comment]
//
// The rule is returned valid and in canonical form, with ID 0. Errors name
// the key (*FieldError, errors.Is(err, ErrInvalid)). users looks up user
// names (nil: the system's user database).
func ParseLine(s string, users UserLookup) (Rule, error) {
	word, fields, err := splitLine(s)
	if err != nil {
		return Rule{}, err
	}
	if word == "" {
		return Rule{}, &FieldError{Key: "action", Err: errors.New("empty rule: want ACTION key=value…")}
	}
	var r Rule
	if r.Action, err = ParseAction(word); err != nil {
		return Rule{}, &FieldError{Key: "action", Err: err}
	}
	st := lineState{users: users, seen: make(map[string]bool, len(fields))}
	for _, f := range fields {
		if err := st.setField(&r, f); err != nil {
			return Rule{}, err
		}
	}
	if r.Lifetime, err = st.resolveLifetime(r); err != nil {
		return Rule{}, err
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// resolveLifetime is the rule's lifetime from until, idle and lifetime=,
// which must agree.
func (st *lineState) resolveLifetime(r Rule) (Lifetime, error) {
	implied, by := Permanent, ""
	switch {
	case st.seen["until"] && st.seen["idle"]:
		return 0, fieldErr("idle", "a rule has until (timed) or idle (session), not both")
	case st.seen["until"]:
		implied, by = Timed, "until"
	case st.seen["idle"]:
		implied, by = Session, "idle"
	}
	if st.lifetime == "" {
		return implied, nil
	}
	l, err := ParseLifetime(st.lifetime)
	switch {
	case err != nil:
		return 0, &FieldError{Key: "lifetime", Err: err}
	case by != "" && l != implied:
		return 0, fieldErr("lifetime", "%v, but %s makes the rule %v", l, by, implied)
	case l == Timed && by == "":
		return 0, fieldErr("lifetime", "timed needs until=")
	}
	return l, nil
}

// maxLine bounds the length of one line of a rules file.
const maxLine = 1 << 20

// Parse reads a rules file: one rule a line (see ParseLine), blank lines
// and lines starting with # ignored. name is the file name used in errors.
// Every error is a *ParseError ("name:line: key: message"); up to 20 are
// joined (errors.Join) and nothing is returned with them. The same rule
// twice (everything equal but Note and Created) is an error on the second
// line.
func Parse(r io.Reader, name string, users UserLookup) ([]Rule, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxLine)
	var (
		rs   []Rule
		errs []error
		seen = make(map[Rule]int)
		line int
	)
	for sc.Scan() && len(errs) < maxErrors {
		line++
		rule, ok, err := parseFileLine(sc.Text(), users)
		if err == nil && ok {
			err = checkRepeat(seen, rule, line)
		}
		if err != nil {
			errs = append(errs, &ParseError{File: name, Line: line, Err: err})
		} else if ok {
			rs = append(rs, rule)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &ParseError{File: name, Line: line + 1, Err: err})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rs, nil
}

// parseFileLine parses one line of a file; ok is false for a blank or
// comment line.
func parseFileLine(s string, users UserLookup) (Rule, bool, error) {
	s = strings.TrimSuffix(s, "\r")
	t := strings.TrimLeft(s, " \t")
	if t == "" || t[0] == '#' {
		return Rule{}, false, nil
	}
	r, err := ParseLine(s, users)
	return r, err == nil, err
}

func checkRepeat(seen map[Rule]int, r Rule, line int) error {
	id := identity(r)
	if first, dup := seen[id]; dup {
		return fmt.Errorf("same rule as line %d: %w", first, ErrDuplicate)
	}
	seen[id] = line
	return nil
}
