package verdict

import (
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// ask holds p in the question of its connection, opening one (and showing
// it on the owner's desktop) when there is none.
func (m *Module) ask(k Kernel, p Packet, c rules.Conn, pid int) {
	now := m.cfg.Clock()
	proto := Question{UID: c.UID, User: m.users.name(c.UID), PID: pid, Exe: c.Exe, Dst: c.Dst,
		Port: c.Port, Proto: rules.ProtoName(c.Proto), Asked: now,
		Deadline: now.Add(m.cfg.AskTimeout), Default: m.cfg.Default.String()}
	if len(c.Names) > 0 {
		proto.Host = c.Names[0]
	}
	proto.Unverified = procs.IsUnverified(c.Exe)
	q, res := m.qs.hold(c, p, proto, m.cfg.MaxQuestions, m.cfg.MaxQuestionsPerUID, m.cfg.MaxHeld)
	switch res {
	case holdFull, holdUIDFull:
		m.refused(c, res, now)
		m.give(k, p, c, m.failAction(), Decision{By: CauseOverflow, PID: pid})
		return
	case holdMerged:
		m.st.merged.Add(1)
		return
	}
	m.st.asked.Add(1)
	// A rule added while this question was being opened decides it now.
	if r, ok := m.deps.Rules.Match(c, now); ok {
		if h := m.qs.take(q.ID); h != nil {
			m.closeWith(k, h, r.Action, Decision{By: CauseRule, Rule: r.ID}, "")
		}
		return
	}
	m.log.Info("connection held: question asked", "question", q.ID, "uid", c.UID, "exe", c.Exe,
		"pid", pid, "dst", c.Dst, "host", q.Host, "port", c.Port, "proto", proto.Proto)
	if m.deps.OnAsked != nil {
		m.deps.OnAsked(q)
	}
	m.show(q.ID)
}

// refusalLogEvery spaces the log lines of connections refused a question
// for lack of room: one user's flood must not flood the log too.
const refusalLogEvery = 10 * time.Second

// refused counts (and now and then logs) a packet of c that got no
// question: every question, or every question of its uid, is taken.
func (m *Module) refused(c rules.Conn, res holdResult, now time.Time) {
	n := m.st.overflow.Add(1)
	why, limit := "too many open questions", m.cfg.MaxQuestions
	if res == holdUIDFull {
		m.st.uidLimited.Add(1)
		why, limit = "too many open questions of this uid", m.cfg.MaxQuestionsPerUID
	}
	last := m.st.refusalLogged.Load()
	if now.UnixNano()-last < int64(refusalLogEvery) || !m.st.refusalLogged.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	m.log.Warn("connection not asked: "+why, "uid", c.UID, "exe", c.Exe, "dst", c.Dst, "port", c.Port,
		"limit", limit, "verdict", m.failAction(), "overflow_since_start", n)
}

// show puts question id on its owner's desktop if an applet of theirs is
// there. Only one show of a question is out at a time (the worker that
// opened it and an upkeep tick may both try): the others skip it.
func (m *Module) show(id uint64) {
	if m.deps.Asker == nil {
		return
	}
	q, ok := m.qs.claimShow(id)
	if !ok {
		return
	}
	eventID, n := m.deps.Asker.Ask(notifyQuestion(q))
	if !m.qs.shown(id, eventID, n) && n > 0 {
		m.deps.Asker.Retract(eventID) // answered or timed out meanwhile
	}
}

// showUnshown shows the open questions no desktop has seen yet: their
// owner's applet may have started (or restarted) since they were asked.
func (m *Module) showUnshown() {
	if m.deps.Asker == nil {
		return
	}
	for _, q := range m.qs.list() {
		if q.Desktops == 0 {
			m.show(q.ID)
		}
	}
}

// UnverifiedNote follows the name of an unverified program wherever it is
// shown.
const UnverifiedNote = " (in its own user namespace: program unverified)"

// notifyQuestion is what the applet shows of q.
func notifyQuestion(q Question) notify.Question {
	exe := q.Exe
	if q.Unverified {
		exe += UnverifiedNote
	}
	return notify.Question{ID: q.ID, UID: q.UID, User: q.User, PID: q.PID, Exe: exe, Dst: q.Dst, Host: q.Host,
		Port: q.Port, Proto: q.Proto, Connections: q.Connections, Deadline: q.Deadline, Default: q.Default}
}

// close gives every packet h held the verdict a, for cause.
func (m *Module) close(k Kernel, h *held, a rules.Action, cause Cause) {
	m.closeWith(k, h, a, Decision{By: cause}, "")
}

// closeWith gives every packet h held the verdict a and reports the
// question closed; life is the answer's lifetime ("" when not answered).
func (m *Module) closeWith(k Kernel, h *held, a rules.Action, d Decision, life string) {
	switch d.By {
	case CauseTimeout:
		m.st.timedOut.Add(1)
		m.log.Info("question timed out", "question", h.q.ID, "default", a)
	case CauseAnswer:
		m.st.answered.Add(1)
	}
	if h.eventID != 0 && m.deps.Asker != nil {
		m.deps.Asker.Retract(h.eventID)
	}
	d.Question, d.PID = h.q.ID, h.q.PID
	now := m.cfg.Clock()
	for _, p := range h.packets {
		m.give(k, p, h.conn, a, d)
		if d.By != CauseShutdown {
			m.seen.remember(p.Tuple, a, now)
		}
	}
	if m.deps.OnClosed != nil {
		if a == rules.Reject && m.cfg.RejectMark == 0 {
			a = rules.Deny
		}
		m.deps.OnClosed(Closed{Question: h.q, Verdict: a, By: d.By, Lifetime: life, At: now})
	}
}

// Closed is a question as it ended, for the caller's records.
type Closed struct {
	Question
	Verdict rules.Action
	By      Cause
	// Lifetime of the answer: "once" or the rule's; "" when not answered.
	Lifetime string
	At       time.Time
}

// uidString is the rule form of a uid.
func uidString(uid uint32) string { return strconv.FormatUint(uint64(uid), 10) }
