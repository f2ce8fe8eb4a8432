package control

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
)

// DesktopBlock is how long the desktop's Block button blocks.
const DesktopBlock = time.Hour

// events is GET /v1/events: the peer's own bubbles, streamed. Only the
// desktop that got a bubble may answer it (the hub checks); the socket's
// group check comes first.
func (s *Server) events(w http.ResponseWriter, r *http.Request, p peer) {
	hub := s.backend.Hub()
	if hub == nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody("no desktop notifications: [action notify] is not configured"))
		return
	}
	notify.ServeEvents(w, r, hub, p.uid)
}

// choice is POST /v1/choices: a click on one of the peer's bubbles.
func (s *Server) choice(r *http.Request) (any, error) {
	hub := s.backend.Hub()
	if hub == nil {
		return nil, unavailable("no desktop notifications: [action notify] is not configured")
	}
	var req ChoiceRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := s.gate.require(r, choiceNeeds(req.Choice)...); err != nil {
		return nil, err
	}
	uid := peerOf(r).uid
	c, err := hub.Choice(uid, req.EventID, req.Choice)
	if err != nil {
		return nil, &httpError{code: notify.HTTPStatus(err), err: err}
	}
	return c, s.applyChoice(r.Context(), c, uid)
}

// applyChoice carries out a click: block the attacker for an hour, lift
// its block, whitelist it, or nothing.
func (s *Server) applyChoice(ctx context.Context, c notify.Choice, uid uint32) error {
	if c.Question != nil {
		return s.answerChoice(c, uid)
	}
	if c.Action == notify.ActionIgnore {
		return nil
	}
	b := s.backend.Blocking()
	if b == nil {
		return unavailable("blocking is disabled")
	}
	src := c.Alert.Src.Unmap()
	why := fmt.Sprintf("desktop choice of uid %d on alert %d", uid, c.Alert.ID)
	switch c.Action {
	case notify.ActionBlock:
		// A click is only as good as what the bubble showed: an alert from
		// lines anyone could forge keeps its untrusted evidence, so the
		// home network stays protected; the admin can still block by hand.
		_, err := b.Block(ctx, block.Request{Prefix: netip.PrefixFrom(src, src.BitLen()),
			Reason: why, Level: c.Alert.Level, Source: alerts.BlockManual, Trusted: c.Alert.Trusted, For: DesktopBlock})
		var re *whitelist.RefusedError
		if errors.As(err, &re) && re.Entry.UntrustedOnly {
			err = fmt.Errorf("%w; the alert rests on lines any local user can write, so a bubble cannot block it: "+
				"if you are sure, run `sudo ifw block add %s`", err, src)
		}
		return blockError(err)
	case notify.ActionUnblock:
		err := b.Unblock(ctx, netip.PrefixFrom(src, src.BitLen()))
		if errors.Is(err, block.ErrNotBlocked) || errors.Is(err, alerts.ErrNotBlocked) {
			return nil // its time ran out, or someone lifted it: done
		}
		return blockError(err)
	case notify.ActionWhitelist:
		_, err := b.WhitelistAdd(ctx, src.String(), why, false)
		return blockError(err)
	}
	return badRequest(fmt.Errorf("unknown choice %q", c.Action))
}

// answerChoice carries out a click on a question bubble: allow once,
// allow always (a permanent rule), deny this connection (silently: a
// dropped packet), deny always (a permanent rule) or reject it (a TCP
// reset or an ICMP unreachable, so that the program fails at once).
func (s *Server) answerChoice(c notify.Choice, uid uint32) error {
	o := s.backend.Outbound()
	if o == nil {
		return unavailable("the outbound module is disabled")
	}
	a, err := choiceAnswer(c.Action, uid)
	if err != nil {
		return badRequest(err)
	}
	if _, _, err := o.Answer(c.Question.ID, a); err != nil {
		return outboundError(err, "question", c.Question.ID)
	}
	return nil
}

// choiceAnswer is the answer a question bubble's button gives, as uid.
func choiceAnswer(action string, uid uint32) (verdict.Answer, error) {
	a := verdict.Answer{By: uid, Action: rules.Allow, Lifetime: rules.Once}
	switch action {
	case notify.ActionAllowOnce:
	case notify.ActionAllowAlways:
		a.Lifetime = rules.Permanent
	case notify.ActionDeny:
		a.Action = rules.Deny
	case notify.ActionDenyAlways:
		a.Action, a.Lifetime = rules.Deny, rules.Permanent
	case notify.ActionReject:
		a.Action = rules.Reject
	default:
		return a, fmt.Errorf("unknown choice %q", action)
	}
	return a, nil
}
