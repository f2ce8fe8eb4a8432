package verdict

import (
	"cmp"
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
)

// Answer is a reply to a question.
type Answer struct {
	Action rules.Action
	// Lifetime once answers this question only; session, timed and
	// permanent also add a rule for the same user, executable,
	// destination, port and protocol (permanent ones are saved). An
	// unverified program's question (Question.Unverified) is answered as
	// once whatever the lifetime: no rule can name that program.
	Lifetime rules.Lifetime
	For      time.Duration // timed: how long
	// By is the uid that answers: root or the connection's owner, or
	// another uid when ForOther.
	By uint32
	// ForOther: By may answer another uid's question (the caller checked
	// that it is authorized to, e.g. polkit's org.ifw.other-user).
	ForOther bool
	// Scope of the rule the answer makes ("" is ScopePort); a once
	// answer makes no rule and ignores it.
	Scope Scope
}

// Answer applies a to question id: its connections get the verdict and,
// unless once, a rule decides the next ones. It returns the question and
// the rule added (nil for once, and for an unverified program).
func (m *Module) Answer(id uint64, a Answer) (Question, *rules.Rule, error) {
	k, err := m.kernelNow()
	if err != nil {
		return Question{}, nil, err
	}
	q, ok := m.qs.get(id)
	if !ok {
		return Question{}, nil, fmt.Errorf("%w: %d", ErrNoQuestion, id)
	}
	if a.By != 0 && a.By != q.UID && !a.ForOther {
		return q, nil, fmt.Errorf("%w: question %d is uid %d's", ErrNotOwner, id, q.UID)
	}
	var added *rules.Rule
	if q.Unverified {
		a.Lifetime = rules.Once // no rule can name the program
	}
	if a.Lifetime != rules.Once {
		r, err := m.addRule(ruleFor(q, a, m.cfg.Clock()), q.Host != "")
		if err != nil {
			return q, nil, err
		}
		added = &r
	}
	h := m.qs.take(id)
	if h == nil {
		return q, added, fmt.Errorf("%w: %d (answered meanwhile)", ErrNoQuestion, id)
	}
	m.log.Info("question answered", "question", id, "by", a.By, "action", a.Action, "lifetime", a.Lifetime)
	m.closeWith(k, h, a.Action, Decision{By: CauseAnswer}, a.Lifetime.String())
	if added != nil {
		m.settle(k)
	}
	return h.q, added, nil
}

// ruleFor is the rule an answer makes of q.
func ruleFor(q Question, a Answer, now time.Time) rules.Rule {
	exe := q.Exe
	if exe == "" {
		exe = rules.UnknownExe
	}
	proto, _ := rules.ParseProto(q.Proto)
	r := rules.Rule{Action: a.Action, Exe: exe, Dst: netip.PrefixFrom(q.Dst, q.Dst.BitLen()),
		Proto: proto, User: cmp.Or(q.User, uidString(q.UID)), UID: q.UID, Lifetime: a.Lifetime, Created: now,
		Note: fmt.Sprintf("answer to question %d", q.ID)}
	if q.Host != "" { // the name the program asked for, whatever address it has next
		r.Dst, r.Host = netip.Prefix{}, q.Host
	}
	switch a.Scope {
	case ScopeAny: // this program to anywhere
		r.Dst, r.Host = netip.Prefix{}, ""
	case ScopeHost: // this program to this host, any port
	default:
		if q.Port != 0 {
			r.Ports = rules.PortRange{Lo: q.Port, Hi: q.Port}
		}
	}
	if a.Lifetime == rules.Timed {
		r.Until = now.Add(a.For)
	}
	return r
}

// AddRule adds r to the rule set (saving the file for permanent and timed
// rules) and settles the open questions it now answers.
func (m *Module) AddRule(r rules.Rule) (rules.Rule, error) {
	r, err := m.addRule(r, false)
	if err != nil {
		return r, err
	}
	if k, err := m.kernelNow(); err == nil {
		m.settle(k)
	}
	return r, nil
}

// addRule adds r; learned: its host is a name learned from a DNS answer,
// not looked up first (rules.Set.AddLearned).
func (m *Module) addRule(r rules.Rule, learned bool) (rules.Rule, error) {
	add := m.deps.Rules.Add
	if learned {
		add = m.deps.Rules.AddLearned
	}
	r, err := add(r, m.cfg.Clock())
	if err != nil {
		return r, fmt.Errorf("verdict: add rule: %w", err)
	}
	if r.Lifetime == rules.Permanent || r.Lifetime == rules.Timed {
		if err := m.deps.Rules.Save(m.cfg.RulesFile); err != nil {
			return r, fmt.Errorf("verdict: rule %d added but not saved: %w", r.ID, err)
		}
	}
	m.log.Info("rule added", "rule", r.ID, "line", r.String())
	return r, nil
}

// DeleteRule removes rule id (and saves the file when it was saved there).
func (m *Module) DeleteRule(id uint64) (rules.Rule, error) {
	r, ok := m.deps.Rules.Delete(id)
	if !ok {
		return r, fmt.Errorf("verdict: rule %d: %w", id, rules.ErrNotFound)
	}
	if r.Lifetime == rules.Permanent || r.Lifetime == rules.Timed {
		if err := m.deps.Rules.Save(m.cfg.RulesFile); err != nil {
			return r, fmt.Errorf("verdict: rule %d deleted but file not saved: %w", id, err)
		}
	}
	m.log.Info("rule deleted", "rule", id, "line", r.String())
	return r, nil
}

// settle closes the open questions a rule now decides.
func (m *Module) settle(k Kernel) {
	now := m.cfg.Clock()
	decided := map[uint64]rules.Rule{}
	for _, h := range m.qs.takeIf(func(h *held) bool {
		r, ok := m.deps.Rules.Match(h.conn, now)
		if ok {
			decided[h.q.ID] = r
		}
		return ok
	}) {
		r := decided[h.q.ID]
		m.closeWith(k, h, r.Action, Decision{By: CauseRule, Rule: r.ID}, "")
	}
}
