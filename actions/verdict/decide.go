package verdict

import (
	"errors"
	"net/netip"
	"slices"
	"time"

	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// Cause says why a packet got its verdict.
type Cause string

// Causes.
const (
	CauseRule     Cause = "rule"     // a rule matched
	CauseMode     Cause = "mode"     // whitelist/blacklist mode, no rule
	CauseMonitor  Cause = "monitor"  // monitor mode: accepted whatever the rules say
	CauseAnswer   Cause = "answer"   // the user answered the question
	CauseTimeout  Cause = "timeout"  // nobody answered in time: the default
	CauseOverflow Cause = "overflow" // no room to wait: the fail mode
	CausePacket   Cause = "packet"   // unreadable packet: the fail mode
	CauseShutdown Cause = "shutdown" // the module stopped: the fail mode
	CauseSelf     Cause = "self"     // ifw's own connection (mail, DNS for host rules)
	CauseRecent   Cause = "recent"   // a retransmission of a connection whose question closed
)

// Decision is one verdict, for the caller's records.
type Decision struct {
	At    time.Time   `json:"at"`
	Tuple procs.Tuple `json:"tuple"`
	UID   uint32      `json:"uid"`
	PID   int         `json:"pid,omitempty"`
	Exe   string      `json:"exe"`
	// Action is the verdict given; Would is what the rules or mode said
	// (they differ in monitor mode and on a fail verdict).
	Action   rules.Action `json:"action"`
	Would    rules.Action `json:"would,omitempty"`
	By       Cause        `json:"by"`
	Rule     uint64       `json:"rule,omitempty"`
	Question uint64       `json:"question,omitempty"`
	// Took is from the packet's arrival to its verdict.
	Took time.Duration `json:"took"`
}

// decide finds the sender of p and gives the verdict of its rule or mode,
// or holds it as a question.
func (m *Module) decide(k Kernel, p Packet) {
	if p.sender == nil {
		c, pid, _ := m.attribute(p, false)
		p.sender = &sender{conn: m.withNames(c, m.cfg.Clock()), pid: pid}
	}
	m.decideConn(k, p, p.sender.conn, p.sender.pid, true)
}

// sender is who sent a packet, as the reader found it before it handed
// the packet to a worker.
type sender struct {
	conn rules.Conn
	pid  int
}

// decideNow decides p on the reader when that needs no waiting: its
// sender is found with a few reads (Owners' LookupQuick), and a rule,
// ifw itself, or the mode decides it. Otherwise it returns false, with
// the sender it found kept for the worker (a question to ask, names
// still on their way).
func (m *Module) decideNow(k Kernel, p *Packet) bool {
	c, pid, err := m.attribute(*p, true)
	if errors.Is(err, procs.ErrSlow) {
		return false
	}
	c = m.withNames(c, m.cfg.Clock())
	if m.decideConn(k, *p, c, pid, false) {
		return true
	}
	p.sender = &sender{conn: c, pid: pid}
	return false
}

// decideConn gives p, sent by c, the verdict of its rule or mode, or holds it
// as a question. With wait false it returns false instead of waiting for
// names or asking.
func (m *Module) decideConn(k Kernel, p Packet, c rules.Conn, pid int, wait bool) bool {
	now := m.cfg.Clock()
	d := Decision{PID: pid}
	if pid != 0 && pid == m.self {
		d.By = CauseSelf
		m.give(k, p, c, rules.Allow, d)
		return true
	}
	r, ok := m.deps.Rules.Match(c, now)
	if !ok && !wait && m.mayAwaitNames(c) {
		return false
	}
	if !ok && m.lateNames(&c) {
		r, ok = m.deps.Rules.Match(c, now)
	}
	if ok {
		m.st.byRule.Add(1)
		d.By, d.Rule, d.Would = CauseRule, r.ID, r.Action
		m.give(k, p, c, m.monitored(r.Action), d)
		return true
	}
	switch m.cfg.Mode {
	case ModeMonitor:
		d.By, d.Would = CauseMonitor, rules.Allow
		m.give(k, p, c, rules.Allow, d)
	case ModeWhitelist, ModeBlacklist:
		d.By = CauseMode
		d.Would = m.modeAction(c)
		m.give(k, p, c, d.Would, d)
	default:
		if a, ok := m.seen.lookup(p.Tuple, now); ok {
			d.By, d.Would = CauseRecent, a
			m.give(k, p, c, a, d)
			return true
		}
		if !wait {
			return false
		}
		m.ask(k, p, c, pid)
	}
	return true
}

// monitored is a in every mode but monitor, where everything is allowed.
func (m *Module) monitored(a rules.Action) rules.Action {
	if m.cfg.Mode == ModeMonitor {
		return rules.Allow
	}
	return a
}

// modeAction is the whitelist or blacklist verdict of c.
func (m *Module) modeAction(c rules.Conn) rules.Action {
	listed := c.Exe != "" && slices.Contains(m.cfg.Exes, c.Exe)
	switch {
	case m.cfg.Mode == ModeWhitelist && listed, m.cfg.Mode == ModeBlacklist && !listed:
		return rules.Allow
	case m.cfg.Mode == ModeBlacklist:
		return rules.Deny
	}
	return m.cfg.Default
}

// quickOwners are Owners that can look a process up without searching
// (*procs.Finder).
type quickOwners interface {
	LookupQuick(t procs.Tuple) (procs.Owner, error)
}

// attribute is what rules match p on: the socket's owner from the queue,
// the process from Owners. An unknown process has Exe "". With quick, an
// Owners that can is asked for a quick lookup, and procs.ErrSlow (nothing
// counted, nothing found) says that it takes a search.
func (m *Module) attribute(p Packet, quick bool) (rules.Conn, int, error) {
	c := rules.Conn{UID: p.UID, HasUID: p.HasUID, Dst: p.Tuple.Dst.Addr().Unmap(),
		Port: p.Tuple.Dst.Port(), Proto: p.Tuple.Proto}
	if m.deps.Owners == nil {
		m.st.unknown.Add(1)
		return c, 0, nil
	}
	var o procs.Owner
	var err error
	if q, ok := m.deps.Owners.(quickOwners); ok && quick {
		o, err = q.LookupQuick(p.Tuple)
	} else {
		o, err = m.deps.Owners.Lookup(p.Tuple)
	}
	if errors.Is(err, procs.ErrSlow) {
		return c, 0, err
	}
	if err != nil && !errors.Is(err, procs.ErrNoProcess) {
		m.st.lookupErrs.Add(1)
	}
	if !c.HasUID && (err == nil || errors.Is(err, procs.ErrNoProcess)) {
		c.UID, c.HasUID = o.UID, true
	}
	if err != nil || o.Process.PID == 0 {
		m.st.unknown.Add(1)
		return c, 0, nil
	}
	c.Exe, c.SHA256 = o.Process.Exe, o.Process.SHA256
	return c, o.Process.PID, nil
}

// namesWait bounds how long a connection no rule decides waits for the
// names of its destination while DNS answers may still be on their way.
const namesWait = 50 * time.Millisecond

// namesAwaiter is a Names that can wait for names still on their way
// (*dnsnames.Learner).
type namesAwaiter interface {
	Await(a netip.Addr, uid uint32, within time.Duration) []string
}

// mayAwaitNames says whether lateNames could wait for c's names.
func (m *Module) mayAwaitNames(c rules.Conn) bool {
	_, ok := m.deps.Names.(namesAwaiter)
	return ok && len(c.Names) == 0
}

// lateNames gives a connection without names the ones its destination
// gets within namesWait, when the Names source can wait (only while the
// host's DNS queries are unanswered: the answer is logged before the
// program reads it, but may reach ifw after its connection); true when it
// found some.
func (m *Module) lateNames(c *rules.Conn) bool {
	w, ok := m.deps.Names.(namesAwaiter)
	if !ok || len(c.Names) > 0 {
		return false
	}
	c.Names = w.Await(c.Dst, connUID(c), namesWait)
	return len(c.Names) > 0
}

// withNames adds the names c's destination is known by.
func (m *Module) withNames(c rules.Conn, now time.Time) rules.Conn {
	if m.deps.Names != nil {
		c.Names = m.deps.Names.Names(c.Dst, connUID(&c), now)
	}
	return c
}

// connUID is c's uid for Names.
func connUID(c *rules.Conn) uint32 {
	if !c.HasUID {
		return NoUID
	}
	return c.UID
}

// give hands the kernel p's verdict a and reports the decision.
func (m *Module) give(k Kernel, p Packet, c rules.Conn, a rules.Action, d Decision) {
	if a == rules.Reject && m.cfg.RejectMark == 0 {
		a = rules.Deny
	}
	if err := k.Verdict(p.ID, a); err != nil {
		m.st.verdictErrs.Add(1)
		m.log.Warn("verdict not given", "packet", p.ID, "err", err)
	}
	m.count(a)
	now := m.cfg.Clock()
	d.At, d.Tuple, d.UID, d.Exe, d.Action, d.Took = now, p.Tuple, c.UID, c.Exe, a, now.Sub(p.At)
	if d.Would == 0 {
		d.Would = a
	}
	m.record(c, d)
	if m.deps.OnDecision != nil {
		m.deps.OnDecision(d)
	}
}

func (m *Module) count(a rules.Action) {
	m.st.packets.Add(1)
	switch a {
	case rules.Allow:
		m.st.accepted.Add(1)
	case rules.Reject:
		m.st.rejected.Add(1)
	default:
		m.st.dropped.Add(1)
	}
}
