package rules

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Set is the rules in force. Every method is safe for concurrent use.
// Match reads an immutable snapshot without a lock and without
// allocating; changes are serialised, build a new snapshot and publish it
// atomically, so a Match sees all of a change or none of it.
type Set struct {
	opts   Options
	mu     sync.Mutex // serialises changes
	nextID uint64     // the last ID given; guarded by mu
	snap   atomic.Pointer[snapshot]
}

// NewSet returns an empty Set.
func NewSet(o Options) *Set {
	s := &Set{opts: o.withDefaults()}
	s.snap.Store(newSnapshot(nil, nil, s.opts.DefaultIdle))
	return s
}

// changeSet is a change in progress: the rules by ID and the host names'
// addresses, both copies the change may edit.
type changeSet struct {
	items []item
	hosts map[string][]netip.Addr
}

// change runs f on a copy of the current rules under the write lock and,
// unless f fails, publishes the result.
func (s *Set) change(f func(c *changeSet) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.snap.Load()
	c := &changeSet{items: cur.items(), hosts: maps.Clone(cur.hosts)}
	if err := f(c); err != nil {
		return err
	}
	s.snap.Store(newSnapshot(c.items, c.hosts, s.opts.DefaultIdle))
	return nil
}

// newID gives the next rule ID; called under mu.
func (s *Set) newID() uint64 {
	s.nextID++
	return s.nextID
}

// Add adds a rule and returns it with its ID and, if it had none, Created
// (now, to the second). The rule is first normalised (sha256 and host
// lowercased, Dst masked and unmapped, times in UTC), then validated
// (*FieldError); a Timed rule must end after now.
//
// A rule identical to one already in the Set (everything equal but ID,
// Created and Note) is not added: Add returns the rule already there and
// an error matching ErrDuplicate.
//
// A host name no rule named before is resolved at once, within
// Options.ResolveTimeout; if that fails the rule is not added and the
// error matches ErrResolve. Set.Resolve refreshes the addresses later.
// A wildcard host (*.DOMAIN) is never looked up.
func (s *Set) Add(r Rule, now time.Time) (Rule, error) { return s.add(r, now, true) }

// AddLearned is Add without the look-up of a new host name: for a rule
// about a name the caller learned from a DNS answer, which matches by the
// connections' Names meanwhile (the next Set.Resolve looks it up).
func (s *Set) AddLearned(r Rule, now time.Time) (Rule, error) { return s.add(r, now, false) }

func (s *Set) add(r Rule, now time.Time, resolve bool) (Rule, error) {
	r = normalize(r)
	r.ID = 0
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	if r.Lifetime == Timed && !now.Before(r.Until) {
		return Rule{}, fieldErr("until", "%s is not after now", timeString(r.Until))
	}
	if r.Created.IsZero() {
		r.Created = now.Round(0).UTC().Truncate(time.Second)
	}
	var addrs []netip.Addr
	if resolve {
		var err error
		if addrs, err = s.resolveNew(r.Host); err != nil {
			return Rule{}, err
		}
	}
	out := r
	err := s.change(func(c *changeSet) error {
		id := identity(r)
		for _, it := range c.items {
			if identity(it.rule) == id {
				out = it.rule
				return fmt.Errorf("%w: rule %d", ErrDuplicate, it.rule.ID)
			}
		}
		out.ID = s.newID()
		c.items = append(c.items, item{rule: out, st: newStats(now)})
		if r.Host != "" && !IsWildcard(r.Host) && c.hosts[r.Host] == nil {
			c.hosts[r.Host] = addrs
		}
		return nil
	})
	return out, err
}

// Delete removes the rule with this ID and returns it; false when there is
// none.
func (s *Set) Delete(id uint64) (Rule, bool) {
	var gone Rule
	err := s.change(func(c *changeSet) error {
		i := slices.IndexFunc(c.items, func(it item) bool { return it.rule.ID == id })
		if i < 0 {
			return ErrNotFound
		}
		gone = c.items[i].rule
		c.items = slices.Delete(c.items, i, i+1)
		return nil
	})
	return gone, err == nil
}

// Get returns the rule with this ID; false when there is none.
func (s *Set) Get(id uint64) (Rule, bool) {
	if e, ok := s.snap.Load().entryByID(id); ok {
		return e.rule, true
	}
	return Rule{}, false
}

// Len is the number of rules.
func (s *Set) Len() int { return len(s.snap.Load().ranked) }

// List returns every rule, by ID.
func (s *Set) List() []Rule {
	items := s.snap.Load().items()
	out := make([]Rule, len(items))
	for i, it := range items {
		out[i] = it.rule
	}
	return out
}

// Saved returns the Permanent and Timed rules by ID: what the rules file
// holds. Timed rules past their Until are included until Expire removes
// them.
func (s *Set) Saved() []Rule {
	var out []Rule
	for _, it := range s.snap.Load().items() {
		if it.rule.Lifetime.saved() {
			out = append(out, it.rule)
		}
	}
	return out
}
