package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
)

// blockRequest is POST /v1/blocks.
type blockRequest struct {
	Prefix string `json:"prefix"`
	For    string `json:"for,omitempty"` // a duration, "forever", or empty for the policy's
	Reason string `json:"reason,omitempty"`
}

// whitelistRequest is POST /v1/whitelist.
type whitelistRequest struct {
	Entry   string `json:"entry"`
	Comment string `json:"comment,omitempty"`
	// AllowUnresolved keeps a host name that does not resolve (with a
	// warning) instead of refusing it.
	AllowUnresolved bool `json:"allow_unresolved,omitempty"`
}

// whitelistReport is GET /v1/whitelist.
type whitelistReport struct {
	File      string                `json:"file"`
	Entries   []whitelist.Entry     `json:"entries"`
	Protected []whitelist.Protected `json:"protected"`
}

// blockRoutes registers the blocking API.
func (d *ifwd) blockRoutes() {
	d.control.handle("GET /v1/blocks", d.withBlock(func(m *blocking, r *http.Request) (any, error) {
		return m.blocker.List(r.Context())
	}))
	d.control.handle("POST /v1/blocks", d.withBlock(d.addBlock))
	d.control.handle("DELETE /v1/blocks", d.withBlock(func(m *blocking, r *http.Request) (any, error) {
		p, err := parsePrefix(r.URL.Query().Get("prefix"))
		if err != nil {
			return nil, badRequest(err)
		}
		return map[string]string{"removed": p.String()}, blockError(m.blocker.Unblock(r.Context(), p))
	}))
	d.control.handle("POST /v1/blocks/reload", d.withBlock(func(m *blocking, r *http.Request) (any, error) {
		return m.loadBulk(r.Context())
	}))
	d.control.handle("GET /v1/whitelist", d.withBlock(func(m *blocking, _ *http.Request) (any, error) {
		return whitelistReport{File: m.guard.File(), Entries: m.guard.Entries(), Protected: m.guard.Protected()}, nil
	}))
	d.control.handle("POST /v1/whitelist", d.withBlock(func(m *blocking, r *http.Request) (any, error) {
		var req whitelistRequest
		if err := decodeBody(r, &req); err != nil {
			return nil, err
		}
		res, err := m.whitelistAdd(r.Context(), req.Entry, req.Comment, req.AllowUnresolved)
		return res, blockError(err)
	}))
	d.control.handle("DELETE /v1/whitelist", d.withBlock(func(m *blocking, r *http.Request) (any, error) {
		e := r.URL.Query().Get("entry")
		return map[string]string{"removed": e}, blockError(m.guard.Del(e))
	}))
}

// withBlock answers 503 while blocking is off.
func (d *ifwd) withBlock(f func(*blocking, *http.Request) (any, error)) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		if d.block == nil {
			return nil, &httpError{code: http.StatusServiceUnavailable, err: errors.New("blocking is disabled (see the daemon's log and [block] in ifw.conf)")}
		}
		return f(d.block, r)
	}
}

func (d *ifwd) addBlock(m *blocking, r *http.Request) (any, error) {
	var req blockRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	p, err := parsePrefix(req.Prefix)
	if err != nil {
		return nil, badRequest(err)
	}
	var dur time.Duration
	switch req.For {
	case "":
	case "forever", "0":
		dur = block.Forever
	default:
		if dur, err = time.ParseDuration(req.For); err != nil || dur <= 0 {
			return nil, badRequest(fmt.Errorf("for %q: want a duration such as 1h, or forever", req.For))
		}
	}
	reason := req.Reason
	if reason == "" {
		reason = "manual block"
	}
	blk, err := m.blocker.Block(r.Context(), block.Request{Prefix: p, Reason: reason, Source: alerts.BlockManual, Trusted: true, For: dur})
	return blk, blockError(err)
}

// blockError maps the blocking module's errors to status codes.
func blockError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, whitelist.ErrRefused):
		return &httpError{code: http.StatusConflict, err: err}
	case errors.Is(err, whitelist.ErrExists):
		return &httpError{code: http.StatusConflict, err: err}
	case errors.Is(err, block.ErrNotBlocked), errors.Is(err, alerts.ErrNotBlocked), errors.Is(err, whitelist.ErrNotFound):
		return &httpError{code: http.StatusNotFound, err: err}
	case errors.Is(err, whitelist.ErrUnresolved):
		return &httpError{code: http.StatusUnprocessableEntity, err: err}
	case errors.Is(err, whitelist.ErrSyntax), errors.Is(err, block.ErrPrefix):
		return badRequest(err)
	}
	return err
}
