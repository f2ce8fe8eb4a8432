package whitelist

import (
	"fmt"
	"net/netip"
	"slices"
)

// snapshot is one Load's never-block list. It is never changed after it is
// built: Check reads it without a lock.
type snapshot struct {
	always    *prefixSet // protected from every block
	untrusted *prefixSet // protected from blocks on untrusted evidence
	entries   []Entry
}

// snapshotInput is everything one Load read.
type snapshotInput struct {
	facts   Facts
	dns     []Protected
	entries []Entry
	file    string
	homeNet []netip.Prefix
}

func buildSnapshot(in snapshotInput) *snapshot {
	own, connected := in.facts.protect()
	var always protectedList
	always.add(own...)
	always.add(in.dns...)
	for _, e := range in.entries {
		for _, p := range e.Prefixes {
			always.add(Protected{Prefix: p, Why: ReasonWhitelist, Source: fmt.Sprintf("%s:%d %s", in.file, e.Line, e.Text)})
		}
	}
	always.add(builtin()...)
	var untrusted protectedList
	if len(in.homeNet) > 0 {
		for _, p := range in.homeNet {
			untrusted.add(Protected{Prefix: p, Why: ReasonHomeNet, Source: "home_net", UntrustedOnly: true})
		}
	} else {
		untrusted.add(connected...)
		untrusted.add(privateNets()...)
	}
	all := newPrefixSet(always.items)
	return &snapshot{always: all, untrusted: newPrefixSet(notCovered(untrusted.items, all)), entries: in.entries}
}

// notCovered drops the items a protected prefix of s already contains
// (the loopback network, an own /32), which would only repeat it.
func notCovered(items []Protected, s *prefixSet) []Protected {
	var out []Protected
	for _, it := range items {
		if !s.covers(it.Prefix) {
			out = append(out, it)
		}
	}
	return out
}

// protectedList collects protected prefixes in priority order, canonical,
// each prefix once (its first reason).
type protectedList struct {
	items []Protected
	seen  map[netip.Prefix]bool
}

func (l *protectedList) add(ps ...Protected) {
	if l.seen == nil {
		l.seen = make(map[netip.Prefix]bool)
	}
	for _, p := range ps {
		if !p.Prefix.IsValid() {
			continue
		}
		for _, form := range checkForms(p.Prefix) {
			if l.seen[form] {
				continue
			}
			l.seen[form] = true
			q := p
			q.Prefix = form
			l.items = append(l.items, q)
		}
	}
}

// check refuses p when it overlaps a protected prefix.
func (s *snapshot) check(p netip.Prefix, trusted bool) error {
	for _, form := range checkForms(p) {
		if i := s.always.overlap(form); i >= 0 {
			return refused(p, s.always.items[i])
		}
		if trusted {
			continue
		}
		if i := s.untrusted.overlap(form); i >= 0 {
			return refused(p, s.untrusted.items[i])
		}
	}
	return nil
}

func refused(p netip.Prefix, by Protected) error {
	return &RefusedError{Prefix: p, Why: by.Why, Entry: by, Untrusted: by.UntrustedOnly}
}

// protected lists the whole never-block list.
func (s *snapshot) protected() []Protected {
	return slices.Concat(s.always.items, s.untrusted.items)
}

// hostAddrs maps each host name entry to the addresses it had, for a name
// that fails to resolve at the next load.
func (s *snapshot) hostAddrs() map[string][]netip.Prefix {
	if s == nil {
		return nil
	}
	m := make(map[string][]netip.Prefix)
	for _, e := range s.entries {
		if k, err := entryKey(e.Text); err == nil && e.Host && len(e.Prefixes) > 0 {
			m[k] = e.Prefixes
		}
	}
	return m
}
