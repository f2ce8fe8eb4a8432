package rules

import "time"

// Match returns the rule deciding connection c at now: of the live rules
// whose conditions all hold, the most specific (see Rule). false when no
// rule matches.
//
// Live: a Timed rule matches until its Until, a Session rule until it has
// gone Idle without a match, a Once rule only once, whether or not Expire
// has run. A match counts a hit and refreshes the rule's LastUsed (and so
// a Session rule's idle timer); a Once rule is removed from the Set by its
// match. A connection with no process (Exe "") never matches a rule naming
// a path, and one with no SHA256 never matches a rule with a sha256.
//
// Match takes no lock and does not allocate (except to remove a Once
// rule).
func (s *Set) Match(c Conn, now time.Time) (Rule, bool) {
	sn := s.snap.Load()
	c.Dst = c.Dst.Unmap()
	t := nanos(now)
	for i := range sn.ranked {
		e := &sn.ranked[i]
		if !e.matches(&c) || !e.live(t) {
			continue
		}
		if e.rule.Lifetime == Once {
			if !e.st.consumed.CompareAndSwap(false, true) {
				continue // another Match took it
			}
			s.dropConsumed()
		}
		e.st.hit(t)
		return e.rule, true
	}
	return Rule{}, false
}

// dropConsumed publishes a snapshot without the consumed Once rules.
func (s *Set) dropConsumed() {
	_ = s.change(func(*changeSet) error { return nil })
}
