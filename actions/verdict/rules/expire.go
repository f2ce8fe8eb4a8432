package rules

import "time"

// Expire removes the rules dead at now — Timed rules at or past their
// Until, Session rules idle for their Idle or longer — and returns them
// by ID. Match never picks a dead rule even before Expire removes it.
func (s *Set) Expire(now time.Time) []Rule {
	t := nanos(now)
	sn := s.snap.Load()
	dead := false
	for i := range sn.ranked {
		dead = dead || !sn.ranked[i].live(t)
	}
	if !dead {
		return nil // nothing to do: no new snapshot
	}
	var gone []Rule
	_ = s.change(func(c *changeSet) error {
		live := c.items[:0]
		for _, it := range c.items {
			e := newEntry(it.rule, it.st, nil, s.opts.DefaultIdle)
			if e.live(t) {
				live = append(live, it)
			} else if it.rule.Lifetime != Once {
				gone = append(gone, it.rule)
			}
		}
		c.items = live
		return nil
	})
	return gone
}
