package signatures

import (
	"time"

	"github.com/ifw/ifw/sources"
)

// clockVotes is how many packets in a row must be dated at or after a time
// before the engine's clock moves to it when no host clock is given: one
// or two misdated lines never move it.
const clockVotes = 3

// farAhead is how far, without a host clock, a packet may be dated after
// the engine's clock before Stats.FutureTimes counts it (it never moves
// the clock on its own either way).
const farAhead = int64(24 * time.Hour)

// clock is the engine's time: expiry and staleness are judged against it,
// never against one packet's time. With a host clock (live sources) it
// follows every packet, whose time was bounded by the host clock before;
// without one (an archive) it moves to the earliest of the last clockVotes
// packets' times: the time they all agree has come.
type clock struct {
	now    int64 // Unix ns; valid when set
	set    bool
	recent [clockVotes]int64 // the last packets' times, a ring
	n, i   uint8             // entries in recent, next slot
}

// follow moves the clock to t if it is later (live: t is bounded already).
func (c *clock) follow(t int64) {
	if !c.set || t > c.now {
		c.now, c.set = t, true
	}
}

// vote records t and moves the clock to the earliest of the last
// clockVotes times if that is later.
func (c *clock) vote(t int64) {
	c.recent[c.i] = t
	c.i = (c.i + 1) % clockVotes
	if c.n < clockVotes {
		c.n++
		if c.n < clockVotes {
			return
		}
	}
	c.follow(min(c.recent[0], c.recent[1], c.recent[2]))
}

// limit pulls the clock back to at most bound (a host clock that says the
// engine's time is in the future: a state saved by a build that let one
// line move it).
func (c *clock) limit(bound int64) {
	if c.set && c.now > bound {
		c.now = bound
	}
}

// timeline is an engine's time: the latest packet time counted, the
// engine's clock and the trusted clock, the host clock's bound, and the
// packets dated far ahead.
type timeline struct {
	latest  int64 // latest packet time counted (Unix ns)
	hasTime bool
	clock   clock // the engine's time, from every packet
	trusted clock // from trusted packets only: judges trusted sources
	host    int64 // SetNow's time plus MaxClockAhead, when hasHost
	hasHost bool
	future  uint64 // packets dated far ahead (Stats.FutureTimes)
}

// SetNow gives the engine the host's clock for the packets that follow
// (the daemon calls it with time.Now before each packet of live sources;
// ifw analyze never does). A packet dated more than Config.MaxClockAhead
// after now is counted at that bound (Stats.FutureTimes), and the engine's
// clock, which expiry follows, never passes it. Without it, the clock moves
// only where clockVotes packets in a row agree.
func (e *Engine) SetNow(now time.Time) {
	bound := now.UnixNano() + int64(e.cfg.MaxClockAhead)
	e.host, e.hasHost = bound, true
	e.clock.limit(bound)
	e.trusted.limit(bound)
	if e.latest > bound {
		e.latest = bound
	}
}

// packetStamp is p's own time in Unix nanoseconds (Time, else Uptime from
// the epoch), if it has one.
func packetStamp(p *sources.Packet) (int64, bool) {
	switch {
	case p.Has(sources.HasTime) || !p.Time.IsZero():
		return p.Time.UnixNano(), true
	case p.Has(sources.HasUptime) || p.Uptime != 0:
		return int64(p.Uptime), true
	}
	return 0, false
}

// timeAt is a packet's time in Unix nanoseconds: its own (t, when ok:
// packetStamp), else the latest time counted; bounded by the host clock
// when there is one. It moves the engine's clocks: every packet the whole
// one, trusted packets the trusted one.
func (e *timeline) timeAt(t int64, ok, trusted bool) int64 {
	if !ok {
		return e.latest
	}
	if e.hasHost {
		if t > e.host {
			t = e.host
			e.future++
		}
		e.clock.follow(t)
		if trusted {
			e.trusted.follow(t)
		}
	} else {
		e.clock.vote(t)
		if trusted {
			e.trusted.vote(t)
		}
		if e.clock.set && t-e.clock.now > farAhead {
			e.future++
		}
	}
	if !e.hasTime || t > e.latest {
		e.latest, e.hasTime = t, true
	}
	return t
}

// clockOf is the clock that judges s: a source every counted packet of
// which was trusted ages only with trusted packets, so that untrusted
// lines (anyone can write them) never expire trusted state.
func (e *Engine) clockOf(s *source) *clock {
	if s.untrusted {
		return &e.clock
	}
	return &e.trusted
}

// stale reports whether s, last seen at s.last, is stale by its clock.
func (e *Engine) stale(s *source) bool {
	c := e.clockOf(s)
	return c.set && c.now-s.last > int64(e.cfg.ScanTimeout)
}

// over reports whether s's window is over for a packet at t: t is more
// than ScanTimeout after s's last packet and, unless the packet may judge
// s by its own time (own: s's own packet, trusted or s untrusted), s's
// clock agrees. So a packet dated ahead can start a new window for its own
// source, never end another's; and a packet dated behind the clock (a log
// read out of order) ends nothing either.
func (e *Engine) over(s *source, t int64, own bool) bool {
	return t-s.last > int64(e.cfg.ScanTimeout) && (own || e.stale(s))
}
