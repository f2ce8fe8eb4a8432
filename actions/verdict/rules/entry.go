package rules

import (
	"math"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// stats is the changing part of a rule in a Set, shared by every snapshot
// holding the rule (and kept when Load finds the rule again).
type stats struct {
	hits     atomic.Uint64
	lastUsed atomic.Int64 // Unix ns of the last match; 0: never
	added    int64        // Unix ns when added: a session's idle clock starts there
	consumed atomic.Bool  // a Once rule has matched
}

func newStats(now time.Time) *stats { return &stats{added: nanos(now)} }

// hit counts a match at t (Unix ns); lastUsed only moves forward.
func (st *stats) hit(t int64) {
	st.hits.Add(1)
	for {
		old := st.lastUsed.Load()
		if old >= t || st.lastUsed.CompareAndSwap(old, t) {
			return
		}
	}
}

// exeKind says how a rule's Exe matches.
type exeKind uint8

const (
	exeAny exeKind = iota
	exeUnknown
	exePath
)

// entry is a rule compiled for Match, in an immutable snapshot.
type entry struct {
	rule  Rule
	key   uint64 // specificity, higher first
	exe   exeKind
	addrs []netip.Addr // Host's addresses, unmapped
	// name is Host without its trailing dot; suffix, for a wildcard
	// host, is ".DOMAIN" (and name is "").
	name, suffix string
	until        int64 // Timed: Unix ns from which the rule is dead
	idle         int64 // Session: ns without a match after which it is dead
	st           *stats
}

func newEntry(r Rule, st *stats, addrs []netip.Addr, defaultIdle time.Duration) entry {
	e := entry{rule: r, key: specificity(r), addrs: addrs, until: nanos(r.Until), idle: int64(r.Idle), st: st}
	if d, ok := strings.CutPrefix(r.Host, "*."); ok {
		e.suffix = "." + strings.TrimSuffix(d, ".")
	} else {
		e.name = strings.TrimSuffix(r.Host, ".")
	}
	switch r.Exe {
	case "":
		e.exe = exeAny
	case UnknownExe:
		e.exe = exeUnknown
	default:
		e.exe = exePath
	}
	if e.idle == 0 {
		e.idle = int64(defaultIdle)
	}
	return e
}

// matches reports whether the rule's conditions hold for c (Dst unmapped).
func (e *entry) matches(c *Conn) bool {
	r := &e.rule
	switch {
	case e.exe == exeUnknown && c.Exe != "",
		e.exe == exePath && r.Exe != c.Exe,
		r.SHA256 != "" && r.SHA256 != c.SHA256,
		r.Proto != ProtoAny && r.Proto != c.Proto,
		!r.Ports.Any() && (!hasPorts(c.Proto) || !r.Ports.Contains(c.Port)),
		r.User != "" && (!c.HasUID || c.UID != r.UID),
		r.Dst.IsValid() && !r.Dst.Contains(c.Dst),
		r.Host != "" && !e.hostMatches(c):
		return false
	}
	return true
}

// hostMatches reports whether c's destination is the rule's host: one of
// the addresses the name resolved to, or a name the destination is known
// by (for a wildcard, one ending in its suffix).
func (e *entry) hostMatches(c *Conn) bool {
	if e.suffix != "" {
		for _, n := range c.Names {
			if len(n) > len(e.suffix) && strings.HasSuffix(n, e.suffix) {
				return true
			}
		}
		return false
	}
	return slices.Contains(e.addrs, c.Dst) || slices.Contains(c.Names, e.name)
}

// live reports whether the rule may still match at t (Unix ns): not past
// its Until, not idle too long, not consumed.
func (e *entry) live(t int64) bool {
	switch e.rule.Lifetime {
	case Timed:
		return t < e.until
	case Session:
		return t-max(e.st.added, e.st.lastUsed.Load()) < e.idle
	case Once:
		return !e.st.consumed.Load()
	}
	return true
}

// nanos is t in Unix ns, clamped to what an int64 holds; 0 for zero t.
func nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case t.Year() >= 2262:
		return math.MaxInt64
	case t.Year() <= 1677:
		return math.MinInt64
	}
	return t.UnixNano()
}
