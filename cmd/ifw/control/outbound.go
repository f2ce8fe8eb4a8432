package control

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// withOutbound answers 503 while the outbound module is off.
func (s *Server) withOutbound(f func(Outbound, *http.Request) (any, error)) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		o := s.backend.Outbound()
		if o == nil {
			return nil, unavailable("the outbound module is disabled (see the daemon's log and [verdict] in ifw.conf)")
		}
		return f(o, r)
	}
}

func (s *Server) listQuestions(o Outbound, r *http.Request) (any, error) {
	return s.visibleQuestions(r, o.Questions()), nil
}

func (s *Server) listVerdicts(o Outbound, r *http.Request) (any, error) {
	return s.visibleVerdicts(r, o.Verdicts()), nil
}

func (s *Server) listRules(o Outbound, r *http.Request) (any, error) {
	return rulesOf(s.visibleRules(r, o.Rules())), nil
}

// pathID reads the {id} of the request's path.
func pathID(r *http.Request, what string) (uint64, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, badRequest(fmt.Errorf("%s %q: not a number", what, r.PathValue("id")))
	}
	return id, nil
}

func (s *Server) answer(o Outbound, r *http.Request) (any, error) {
	id, err := pathID(r, "question")
	if err != nil {
		return nil, err
	}
	var req AnswerRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	a, err := req.Verdict()
	if err != nil {
		return nil, badRequest(err)
	}
	a.By = peerOf(r).uid
	if err := s.authorizeAnswer(r, o, id, &a); err != nil {
		return nil, err
	}
	q, rule, err := o.Answer(id, a)
	if err != nil {
		return nil, outboundError(err, "question", id)
	}
	res := Answered{Question: q}
	if rule != nil {
		v := RuleOf(rules.Entry{Rule: *rule})
		res.Rule = &v
	}
	return res, nil
}

// Verdict is the outbound module's answer req asks for.
func (req AnswerRequest) Verdict() (verdict.Answer, error) {
	var a verdict.Answer
	var err error
	if a.Action, err = rules.ParseAction(req.Action); err != nil {
		return a, err
	}
	if a.Lifetime, a.For, err = lifetimeOf(req.Lifetime, req.For, rules.Once); err != nil {
		return a, err
	}
	a.Scope, err = verdict.ParseScope(req.Scope)
	return a, err
}

// lifetimeOf reads a lifetime and its duration; "" is def.
func lifetimeOf(name, dur string, def rules.Lifetime) (rules.Lifetime, time.Duration, error) {
	l := def
	if name != "" {
		var err error
		if l, err = rules.ParseLifetime(name); err != nil {
			return l, 0, err
		}
	}
	if l != rules.Timed {
		if dur != "" {
			return l, 0, fmt.Errorf("a duration (%q) goes with a timed lifetime only", dur)
		}
		return l, 0, nil
	}
	d, err := time.ParseDuration(dur)
	if err != nil || d <= 0 {
		return l, 0, fmt.Errorf("timed: %q is not a positive duration", dur)
	}
	return l, d, nil
}

func (s *Server) addRule(o Outbound, r *http.Request) (any, error) {
	var req RuleRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	rule, err := rules.ParseLine(req.Line, nil)
	if err != nil {
		return nil, badRequest(err)
	}
	if req.Lifetime != "" || req.For != "" {
		l, dur, err := lifetimeOf(req.Lifetime, req.For, rules.Permanent)
		if err != nil {
			return nil, badRequest(err)
		}
		rule.Lifetime = l
		if l == rules.Timed {
			rule.Until = time.Now().Add(dur)
		}
	}
	if err := s.gate.require(r, ruleNeeds(peerOf(r).uid, rule)...); err != nil {
		return nil, err
	}
	added, err := o.AddRule(rule)
	if err != nil {
		return nil, outboundError(err, "rule", 0)
	}
	return RuleOf(rules.Entry{Rule: added}), nil
}

func (s *Server) delRule(o Outbound, r *http.Request) (any, error) {
	id, err := pathID(r, "rule")
	if err != nil {
		return nil, err
	}
	if err := s.authorizeDelete(r, o, id); err != nil {
		return nil, err
	}
	rule, err := o.DeleteRule(id)
	if err != nil {
		return nil, outboundError(err, "rule", id)
	}
	return RuleOf(rules.Entry{Rule: rule}), nil
}
