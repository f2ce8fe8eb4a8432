package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// An action is one form's POST: it calls the daemon and says what it
// did; the browser goes back (303) to the page, which shows the outcome
// in #flash. A refusal of the daemon is shown in its own words.
type action struct {
	back string // the page to go back to
	do   func(ctx context.Context, f url.Values, se *session) (string, error)
}

func (s *Server) actions() map[string]action {
	return map[string]action{
		"/log/act":               {"/log", s.logAction},
		"/blacklist/block":       {"/blacklist", s.blockByHand},
		"/blacklist/unblock":     {"/blacklist", s.unblock},
		"/blacklist/reload":      {"/blacklist", s.reloadBulk},
		"/whitelist/add":         {"/whitelist", s.whitelistAdd},
		"/whitelist/remove":      {"/whitelist", s.whitelistRemove},
		"/outbound/answer":       {"/outbound", s.answer},
		"/outbound/rules/add":    {"/outbound", s.addRule},
		"/outbound/rules/edit":   {"/outbound", s.editRule},
		"/outbound/rules/delete": {"/outbound", s.deleteRule},
	}
}

// act serves an action (the guard checked origin and CSRF token).
func (s *Server) act(a action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se := sessionOf(r)
		msg, err := a.do(r.Context(), r.PostForm, se)
		if err != nil {
			s.sess.setFlash(se, flash{Text: err.Error(), Error: true})
		} else {
			s.sess.setFlash(se, flash{Text: msg})
		}
		http.Redirect(w, r, a.back, http.StatusSeeOther)
	}
}

// logAction is a Log row's button: block for an hour or for the typed
// time, whitelist, or ignore (hide the attacker's alerts in this session;
// nothing changes in the daemon).
func (s *Server) logAction(ctx context.Context, f url.Values, se *session) (string, error) {
	src, err := netip.ParseAddr(f.Get("src"))
	if err != nil {
		return "", fmt.Errorf("attacker %q: not an IP address", f.Get("src"))
	}
	switch f.Get("action") {
	case "block":
		return s.block(ctx, src.String(), "1h", "blocked from the management window")
	case "block-for":
		if strings.TrimSpace(f.Get("for")) == "" {
			return "", errors.New("type how long to block first (e.g. 30m, 2h, 7d, forever), then Block…")
		}
		dur, err := parseFor(f.Get("for"))
		if err != nil {
			return "", err
		}
		return s.block(ctx, src.String(), dur, "blocked from the management window")
	case "whitelist":
		res, err := s.cfg.Daemon.WhitelistAdd(ctx, control.WhitelistRequest{Entry: src.String(), Comment: "added from the management window"})
		if err != nil {
			return "", err
		}
		return whitelistedText(res), nil
	case "ignore":
		s.sess.ignore(se, src)
		return fmt.Sprintf("%s's alerts are hidden in this window until it is closed", src), nil
	}
	return "", fmt.Errorf("unknown action %q", f.Get("action"))
}

func (s *Server) block(ctx context.Context, prefix, dur, reason string) (string, error) {
	b, err := s.cfg.Daemon.Block(ctx, control.BlockRequest{Prefix: prefix, For: dur, Reason: reason})
	if err != nil {
		return "", err
	}
	return blockText(&b), nil
}

func (s *Server) blockByHand(ctx context.Context, f url.Values, _ *session) (string, error) {
	prefix, err := field(f.Get("prefix"), "address")
	if err != nil {
		return "", err
	}
	dur, err := parseFor(f.Get("for"))
	if err != nil {
		return "", err
	}
	reason, err := field(f.Get("reason"), "reason")
	if err != nil {
		return "", err
	}
	return s.block(ctx, prefix, dur, reason)
}

func (s *Server) unblock(ctx context.Context, f url.Values, _ *session) (string, error) {
	r, err := s.cfg.Daemon.Unblock(ctx, f.Get("prefix"))
	if err != nil {
		return "", err
	}
	return "unblocked " + r.Removed, nil
}

func (s *Server) reloadBulk(ctx context.Context, _ url.Values, _ *session) (string, error) {
	st, err := s.cfg.Daemon.ReloadBlocks(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("bulk lists reloaded: %d files, %d entries (%d IPv4, %d IPv6), %d refused, in %v",
		st.Files, st.Entries, st.Loaded4, st.Loaded6, st.Refused, st.Took), nil
}

func (s *Server) whitelistAdd(ctx context.Context, f url.Values, _ *session) (string, error) {
	entry, err := field(f.Get("entry"), "entry")
	if err != nil {
		return "", err
	}
	comment, err := field(f.Get("comment"), "comment")
	if err != nil {
		return "", err
	}
	res, err := s.cfg.Daemon.WhitelistAdd(ctx, control.WhitelistRequest{Entry: entry, Comment: comment,
		AllowUnresolved: f.Get("allow_unresolved") != ""})
	if err != nil {
		return "", err
	}
	return whitelistedText(res), nil
}

func whitelistedText(res *control.WhitelistAdded) string {
	msg := fmt.Sprintf("whitelisted %s", res.Added)
	if len(res.Unblocked) > 0 {
		msg += fmt.Sprintf(" (unblocked %d)", len(res.Unblocked))
	}
	if res.Warning != "" {
		msg += "; " + res.Warning
	}
	return msg
}

func (s *Server) whitelistRemove(ctx context.Context, f url.Values, _ *session) (string, error) {
	r, err := s.cfg.Daemon.WhitelistDel(ctx, f.Get("entry"))
	if err != nil {
		return "", err
	}
	return "removed " + r.Removed + " from the whitelist", nil
}

func (s *Server) answer(ctx context.Context, f url.Values, _ *session) (string, error) {
	id, err := parseID(f.Get("id"), "question")
	if err != nil {
		return "", err
	}
	act, life, err := answerOf(f.Get("action"), f.Get("scope"))
	if err != nil {
		return "", err
	}
	res, err := s.cfg.Daemon.Answer(ctx, id, control.AnswerRequest{Action: act, Lifetime: life, Scope: f.Get("scope")})
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("question %d: %s %s", id, act, life)
	if res.Rule != nil {
		msg += "; rule added: " + res.Rule.Line
	}
	return msg, nil
}

func (s *Server) addRule(ctx context.Context, f url.Values, _ *session) (string, error) {
	line, err := field(f.Get("line"), "rule")
	if err != nil {
		return "", err
	}
	r, err := s.cfg.Daemon.AddRule(ctx, control.RuleRequest{Line: line})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("rule %d added: %s", r.ID, r.Line), nil
}

// editRule replaces a rule's line: delete, then add; when the new line
// is refused, the old one goes back.
func (s *Server) editRule(ctx context.Context, f url.Values, _ *session) (string, error) {
	id, err := parseID(f.Get("id"), "rule")
	if err != nil {
		return "", err
	}
	line, err := field(f.Get("line"), "rule")
	if err != nil {
		return "", err
	}
	old, err := s.cfg.Daemon.DeleteRule(ctx, id)
	if err != nil {
		return "", err
	}
	r, err := s.cfg.Daemon.AddRule(ctx, control.RuleRequest{Line: line, Lifetime: old.Lifetime})
	if err == nil {
		return fmt.Sprintf("rule %d replaced by rule %d: %s", id, r.ID, r.Line), nil
	}
	back, berr := s.cfg.Daemon.AddRule(ctx, control.RuleRequest{Line: old.Line, Lifetime: old.Lifetime})
	if berr != nil {
		return "", fmt.Errorf("%w; and the old rule could not be put back (%v): it was %s", err, berr, old.Line)
	}
	return "", fmt.Errorf("%w (the old rule is back as rule %d)", err, back.ID)
}

func (s *Server) deleteRule(ctx context.Context, f url.Values, _ *session) (string, error) {
	id, err := parseID(f.Get("id"), "rule")
	if err != nil {
		return "", err
	}
	r, err := s.cfg.Daemon.DeleteRule(ctx, id)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("rule %d deleted: %s", id, r.Line), nil
}
