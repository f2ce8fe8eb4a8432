package rules

import "github.com/ifw/ifw/sources"

// Rule is one signature.
type Rule struct {
	ID    int    // unique within a Set (psad's sid for psad rules)
	Name  string // what it detects (psad's msg)
	Level int    // danger level 1-5 a match raises its source to
	// The match fields are added by the rules implementation.
}

// Set is a compiled collection of rules.
type Set struct {
	rules []*Rule
}

// Match calls fn for every rule p matches, in rule order. It does not
// allocate and keeps no reference to p.
func (s *Set) Match(p *sources.Packet, fn func(*Rule)) {
	// Filled in by the rules implementation.
}

// Len is the number of rules in s.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}
