package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// answerRequest is POST /v1/queue/{id}.
type answerRequest struct {
	Action   string `json:"action"`             // allow, deny, reject
	Lifetime string `json:"lifetime,omitempty"` // once (default), session, timed, permanent
	For      string `json:"for,omitempty"`      // timed: a duration
}

// ruleRequest is POST /v1/rules: a rule line as in the rules file.
type ruleRequest struct {
	Line     string `json:"line"`
	Lifetime string `json:"lifetime,omitempty"` // permanent (default), session, once, timed
	For      string `json:"for,omitempty"`
}

// answerResult is what an answer did.
type answerResult struct {
	Question verdict.Question `json:"question"`
	Rule     *ruleView        `json:"rule,omitempty"`
}

// outboundRoutes registers `ifw queue` and `ifw rules`.
func (d *ifwd) outboundRoutes() {
	d.control.handle("GET /v1/queue", d.withOutbound(func(o *outbound, r *http.Request) (any, error) {
		return d.visibleQuestions(r, o.mod.Questions()), nil
	}))
	d.control.handle("POST /v1/queue/{id}", d.withOutbound(d.answer))
	d.control.handle("GET /v1/rules", d.withOutbound(func(o *outbound, r *http.Request) (any, error) {
		return ruleViews(d.visibleRules(r, o.set.Entries())), nil
	}))
	d.control.handle("POST /v1/rules", d.withOutbound(d.addRule))
	d.control.handle("DELETE /v1/rules/{id}", d.withOutbound(func(o *outbound, r *http.Request) (any, error) {
		id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
		if err != nil {
			return nil, badRequest(fmt.Errorf("rule %q: not a number", r.PathValue("id")))
		}
		if err := d.authorizeDelete(r, o, id); err != nil {
			return nil, err
		}
		rule, err := o.mod.DeleteRule(id)
		if err != nil {
			return nil, outboundError(err)
		}
		return viewOf(rules.Entry{Rule: rule}), nil
	}))
}

// withOutbound answers 503 while the outbound module is off.
func (d *ifwd) withOutbound(f func(*outbound, *http.Request) (any, error)) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		if d.outbound == nil {
			return nil, &httpError{code: http.StatusServiceUnavailable, err: errors.New("the outbound module is disabled (see the daemon's log and [verdict] in ifw.conf)")}
		}
		return f(d.outbound, r)
	}
}

func (d *ifwd) answer(o *outbound, r *http.Request) (any, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, badRequest(fmt.Errorf("question %q: not a number", r.PathValue("id")))
	}
	var req answerRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	a, err := req.answer()
	if err != nil {
		return nil, badRequest(err)
	}
	p, _ := r.Context().Value(peerKey{}).(peer)
	a.By = p.uid
	if err := d.authorizeAnswer(r, o, id, &a); err != nil {
		return nil, err
	}
	q, rule, err := o.mod.Answer(id, a)
	if err != nil {
		return nil, outboundError(err)
	}
	res := answerResult{Question: q}
	if rule != nil {
		v := viewOf(rules.Entry{Rule: *rule})
		res.Rule = &v
	}
	return res, nil
}

func (req answerRequest) answer() (verdict.Answer, error) {
	var a verdict.Answer
	var err error
	if a.Action, err = rules.ParseAction(req.Action); err != nil {
		return a, err
	}
	a.Lifetime, a.For, err = lifetimeOf(req.Lifetime, req.For, rules.Once)
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

func (d *ifwd) addRule(o *outbound, r *http.Request) (any, error) {
	var req ruleRequest
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
	p, _ := r.Context().Value(peerKey{}).(peer)
	if err := d.control.gate.require(r, ruleNeeds(p.uid, rule)...); err != nil {
		return nil, err
	}
	added, err := o.mod.AddRule(rule)
	if err != nil {
		return nil, outboundError(err)
	}
	return viewOf(rules.Entry{Rule: added}), nil
}

// outboundError gives the module's errors their HTTP status.
func outboundError(err error) error {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, verdict.ErrNoQuestion), errors.Is(err, rules.ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, verdict.ErrNotOwner):
		code = http.StatusForbidden
	case errors.Is(err, verdict.ErrStopped):
		code = http.StatusServiceUnavailable
	case errors.Is(err, rules.ErrDuplicate):
		code = http.StatusConflict
	case errors.Is(err, rules.ErrInvalid), errors.Is(err, rules.ErrResolve):
		code = http.StatusBadRequest
	}
	return &httpError{code: code, err: err}
}

// ruleView is a rule as the API shows it.
type ruleView struct {
	ID       uint64    `json:"id"`
	Line     string    `json:"line"`
	Action   string    `json:"action"`
	Lifetime string    `json:"lifetime"`
	Until    time.Time `json:"until,omitzero"`
	Hits     uint64    `json:"hits"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Created  time.Time `json:"created,omitzero"`
}

func viewOf(e rules.Entry) ruleView {
	return ruleView{ID: e.ID, Line: e.String(), Action: e.Action.String(), Lifetime: e.Lifetime.String(),
		Until: e.Until, Hits: e.Hits, LastUsed: e.LastUsed, Created: e.Created}
}

func ruleViews(es []rules.Entry) []ruleView {
	out := make([]ruleView, 0, len(es))
	for _, e := range es {
		out = append(out, viewOf(e))
	}
	return out
}
