package rules

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// Set is a compiled, immutable collection of rules, indexed for matching.
// It is safe for concurrent use.
type Set struct {
	rules   []*Rule
	pre     []prefilter // by rule position
	rest    [][]numTest // by rule position: tests left after the prefilter
	byID    map[int]*Rule
	idx     [256]*protoIndex // by IP protocol number
	skipped []Skipped
}

// Skipped is a rule a parser read but cannot use.
type Skipped struct {
	File   string
	Line   int
	ID     int // 0 when the rule has none or the line could not be read
	Kind   SkipKind
	Reason string
}

// SkipKind tells why a rule was skipped.
type SkipKind uint8

const (
	// SkipPayload: the rule tests what a firewall log does not hold (the
	// payload: content, pcre, flow…) or uses a keyword ifw does not know.
	SkipPayload SkipKind = iota + 1
	// SkipBad: the line is malformed or cannot be used as written (bad
	// syntax, a duplicate id, a test that cannot apply to its protocol, an
	// action other than alert-like ones).
	SkipBad
)

func (k SkipKind) String() string {
	switch k {
	case SkipPayload:
		return "payload"
	case SkipBad:
		return "bad"
	}
	return "unknown"
}

// newSet compiles rules, in order, into a Set.
func newSet(rules []*Rule, skipped []Skipped) (*Set, error) {
	s := &Set{rules: rules, byID: make(map[int]*Rule, len(rules)), skipped: skipped}
	s.pre = make([]prefilter, len(rules))
	s.rest = make([][]numTest, len(rules))
	for i, r := range rules {
		s.pre[i], s.rest[i] = r.c.prefilter(r.c.indexedTests()...)
		if prev, dup := s.byID[r.ID]; dup {
			return nil, fmt.Errorf("rules: duplicate id %d (%s and %s)", r.ID, prev.Origin, r.Origin)
		}
		s.byID[r.ID] = r
	}
	s.idx = buildIndex(rules, s.pre)
	return s, nil
}

// Merge concatenates sets, in order, into a new Set; rule ids must stay
// unique.
func Merge(sets ...*Set) (*Set, error) {
	var rules []*Rule
	var skipped []Skipped
	for _, s := range sets {
		if s != nil {
			rules = append(rules, s.rules...)
			skipped = append(skipped, s.skipped...)
		}
	}
	return newSet(rules, skipped)
}

// Len is the number of rules in s.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}

// Rules returns the rules in order. The rules must not be modified.
func (s *Set) Rules() []*Rule {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rules)
}

// ByID returns the rule with the given id, or nil.
func (s *Set) ByID(id int) *Rule {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

// Skipped lists the rules the parser skipped.
func (s *Set) Skipped() []Skipped {
	if s == nil {
		return nil
	}
	return slices.Clone(s.skipped)
}

// SkipCounts counts the skipped rules by kind: rules that need the payload
// (or an unknown keyword), and bad lines.
func (s *Set) SkipCounts() (payload, bad int) {
	if s == nil {
		return 0, 0
	}
	for _, k := range s.skipped {
		if k.Kind == SkipBad {
			bad++
		} else {
			payload++
		}
	}
	return payload, bad
}

// Load reads an ifw rules file.
func Load(path string) (*Set, error) {
	return load(path, Parse)
}

// LoadPsad reads a psad signatures file.
func LoadPsad(path string) (*Set, error) {
	return load(path, ParsePsad)
}

func load(path string, parse func(io.Reader, string) (*Set, error)) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	defer f.Close()
	return parse(f, path)
}
