package main

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

// desktopBlock is how long the desktop's Block button blocks.
const desktopBlock = time.Hour

// desktopRoutes registers what `ifw applet` talks to: the event stream and
// the answers to its bubbles. Only the desktop that got a bubble may answer
// it; the socket's group check comes first.
func (d *ifwd) desktopRoutes(hub *notify.Hub) {
	d.control.stream("GET /v1/events", func(w http.ResponseWriter, r *http.Request, p peer) {
		notify.ServeEvents(w, r, hub, p.uid)
	})
	d.control.handle("POST /v1/choices", func(r *http.Request) (any, error) {
		var req notify.ChoiceRequest
		if err := decodeBody(r, &req); err != nil {
			return nil, err
		}
		if err := d.control.gate.require(r, choiceNeeds(req.Choice)...); err != nil {
			return nil, err
		}
		p, _ := r.Context().Value(peerKey{}).(peer)
		c, err := hub.Choice(p.uid, req.EventID, req.Choice)
		if err != nil {
			return nil, &httpError{code: notify.HTTPStatus(err), err: err}
		}
		return c, d.applyChoice(r.Context(), c, p.uid)
	})
}

// applyChoice carries out a click: block the attacker for an hour,
// whitelist it, or nothing.
func (d *ifwd) applyChoice(ctx context.Context, c notify.Choice, uid uint32) error {
	if c.Question != nil {
		return d.answerChoice(c, uid)
	}
	if c.Action == notify.ActionIgnore {
		return nil
	}
	if d.block == nil {
		return &httpError{code: http.StatusServiceUnavailable, err: errors.New("blocking is disabled")}
	}
	src := c.Alert.Src.Unmap()
	why := fmt.Sprintf("desktop choice of uid %d on alert %d", uid, c.Alert.ID)
	switch c.Action {
	case notify.ActionBlock:
		// A click is only as good as what the bubble showed: an alert from
		// lines anyone could forge keeps its untrusted evidence, so the
		// home network stays protected; the admin can still block by hand.
		_, err := d.block.blocker.Block(ctx, block.Request{Prefix: netip.PrefixFrom(src, src.BitLen()),
			Reason: why, Level: c.Alert.Level, Source: alerts.BlockManual, Trusted: c.Alert.Trusted, For: desktopBlock})
		var re *whitelist.RefusedError
		if errors.As(err, &re) && re.Entry.UntrustedOnly {
			err = fmt.Errorf("%w; the alert rests on lines any local user can write, so a bubble cannot block it: "+
				"if you are sure, run `sudo ifw block add %s`", err, src)
		}
		return blockError(err)
	case notify.ActionWhitelist:
		_, err := d.block.whitelistAdd(ctx, src.String(), why, false)
		return blockError(err)
	}
	return badRequest(fmt.Errorf("unknown choice %q", c.Action))
}

// answerChoice carries out a click on a question bubble: allow once,
// allow always (a permanent rule) or deny this connection.
func (d *ifwd) answerChoice(c notify.Choice, uid uint32) error {
	if d.outbound == nil {
		return &httpError{code: http.StatusServiceUnavailable, err: errors.New("the outbound module is disabled")}
	}
	a := verdict.Answer{By: uid, Action: rules.Allow, Lifetime: rules.Once}
	switch c.Action {
	case notify.ActionAllowOnce:
	case notify.ActionAllowAlways:
		a.Lifetime = rules.Permanent
	case notify.ActionDeny:
		a.Action = rules.Deny
	default:
		return badRequest(fmt.Errorf("unknown choice %q", c.Action))
	}
	if _, _, err := d.outbound.mod.Answer(c.Question.ID, a); err != nil {
		return outboundError(err)
	}
	return nil
}
