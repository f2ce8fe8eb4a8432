package control

import (
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// withBlocking answers 503 while blocking is off.
func (s *Server) withBlocking(f func(Blocking, *http.Request) (any, error)) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		b := s.backend.Blocking()
		if b == nil {
			return nil, unavailable("blocking is disabled (see the daemon's log and [block] in ifw.conf)")
		}
		return f(b, r)
	}
}

func listBlocks(b Blocking, r *http.Request) (any, error) { return b.List(r.Context()) }

func addBlock(b Blocking, r *http.Request) (any, error) {
	var req BlockRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	p, err := ParsePrefix(req.Prefix)
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
	blk, err := b.Block(r.Context(), block.Request{Prefix: p, Reason: reason, Source: alerts.BlockManual, Trusted: true, For: dur})
	return blk, blockError(err)
}

func delBlock(b Blocking, r *http.Request) (any, error) {
	p, err := ParsePrefix(r.URL.Query().Get("prefix"))
	if err != nil {
		return nil, badRequest(err)
	}
	return Removed{Removed: p.String()}, blockError(b.Unblock(r.Context(), p))
}

func flushBlocks(b Blocking, r *http.Request) (any, error) {
	lifted, err := b.Flush(r.Context())
	if err != nil {
		return nil, blockError(err)
	}
	return Flushed{Lifted: lifted, Count: len(lifted)}, nil
}

func reloadBlocks(b Blocking, r *http.Request) (any, error) { return b.ReloadBulk(r.Context()) }

func listWhitelist(b Blocking, _ *http.Request) (any, error) { return b.Whitelist(), nil }

func addWhitelist(b Blocking, r *http.Request) (any, error) {
	var req WhitelistRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	res, err := b.WhitelistAdd(r.Context(), req.Entry, req.Comment, req.AllowUnresolved)
	return res, blockError(err)
}

func delWhitelist(b Blocking, r *http.Request) (any, error) {
	e := r.URL.Query().Get("entry")
	return Removed{Removed: e}, blockError(b.WhitelistDel(e))
}

// ParsePrefix reads an address or a network as `ifw block` takes it,
// with an error in the user's words.
func ParsePrefix(s string) (netip.Prefix, error) {
	p, err := signatures.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("%q is not an IP address or network", s)
	}
	return p.Masked(), nil
}
