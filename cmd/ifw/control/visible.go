package control

import (
	"net/http"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// Who sees and decides which questions and rules (see authz.go): a
// non-root peer sees its own questions and the rules that apply to it
// (its own and those for every user), unless polkit says it may see every
// user's (org.ifw.other-user, asked without prompting).

// visibleQuestions filters qs for the request's peer.
func (s *Server) visibleQuestions(r *http.Request, qs []verdict.Question) []verdict.Question {
	return visible(s, r, qs, func(q verdict.Question, uid uint32) bool { return q.UID == uid })
}

// visibleVerdicts filters vs for the request's peer, as its questions.
func (s *Server) visibleVerdicts(r *http.Request, vs []verdict.Given) []verdict.Given {
	return visible(s, r, vs, func(v verdict.Given, uid uint32) bool { return v.UID == uid })
}

// visibleRules filters es for the request's peer: its own rules and
// those for every user.
func (s *Server) visibleRules(r *http.Request, es []rules.Entry) []rules.Entry {
	return visible(s, r, es, func(e rules.Entry, uid uint32) bool { return e.User == "" || e.UID == uid })
}

// visible is the items of list the peer may see: all for root or a peer
// polkit lets see every user's (asked only when there is something to
// filter), else those mine says are the peer's.
func visible[T any](s *Server, r *http.Request, list []T, mine func(T, uint32) bool) []T {
	p := peerOf(r)
	if p.uid == 0 || len(list) == 0 || s.gate.seesAll(r) {
		return list
	}
	out := list[:0:0]
	for _, v := range list {
		if mine(v, p.uid) {
			out = append(out, v)
		}
	}
	return out
}

// authorizeAnswer asks polkit for what answer a to question id needs; an
// answer for another uid's question is marked as such once authorized.
// An unknown question needs nothing here: Answer reports it.
func (s *Server) authorizeAnswer(r *http.Request, o Outbound, id uint64, a *verdict.Answer) error {
	for _, q := range o.Questions() {
		if q.ID != id {
			continue
		}
		if err := s.gate.require(r, answerNeeds(a.By, q, a.Lifetime, a.Scope)...); err != nil {
			return err
		}
		a.ForOther = q.UID != a.By
		return nil
	}
	return nil
}

// authorizeDelete asks polkit for what deleting rule id needs: the same
// as adding it. An unknown rule needs nothing here: DeleteRule reports it.
func (s *Server) authorizeDelete(r *http.Request, o Outbound, id uint64) error {
	for _, e := range o.Rules() {
		if e.ID == id {
			return s.gate.require(r, ruleNeeds(peerOf(r).uid, e.Rule)...)
		}
	}
	return nil
}
