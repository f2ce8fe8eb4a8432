package control

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ifw/ifw/cmd/ifw/polkit"
)

// The polkit actions of etc/org.ifw.policy: what a non-root peer needs
// polkit's yes for. Root is always allowed.
const (
	// actAnswerOwn: answer one's own question once or for the session,
	// add or remove a narrow once/session rule for one's own uid.
	actAnswerOwn = "org.ifw.answer-own"
	// actRulesPermanent: anything saved (allow always, timed) or broad
	// (a rule for any or unknown program, or any destination).
	actRulesPermanent = "org.ifw.rules-permanent"
	// actOtherUser: see or decide another uid's questions and rules (and
	// rules for every user).
	actOtherUser = "org.ifw.other-user"
	// actBlock: block, unblock, change the whitelist.
	actBlock = "org.ifw.block"
	// actManage: manage the daemon (reload the block lists, modes).
	actManage = "org.ifw.manage"

	// actNone: being root or in the socket's group is enough (what it
	// shows is filtered by the peer's uid where it is per user).
	actNone = ""
	// actByHandler: what is needed depends on the request; the handler
	// asks the gate itself.
	actByHandler = "by handler"
)

// Authority answers polkit checks: *polkit.Authority in the daemon.
type Authority interface {
	Check(ctx context.Context, s polkit.Subject, action string, interactive bool) (polkit.Result, error)
}

// gate asks polkit for what a non-root peer wants to do.
type gate struct {
	auth Authority // nil: nothing that needs an action is allowed to non-root peers
	log  *slog.Logger
}

// authzError is a refusal: the peer is not authorized for action.
type authzError struct {
	action string
	why    string
}

func (e *authzError) Error() string {
	return fmt.Sprintf("not authorized: %s (%s) %s", e.action, actionMeaning(e.action), e.why)
}

// actionMeaning says in words what an action covers.
func actionMeaning(action string) string {
	switch action {
	case actAnswerOwn:
		return "answering your own program's question once or for the session"
	case actRulesPermanent:
		return "allow always, timed rules, rules for any program or any destination"
	case actOtherUser:
		return "another user's questions and rules, or rules for every user"
	case actBlock:
		return "blocking, unblocking, the whitelist, automatic blocking on/off"
	case actManage:
		return "managing the daemon"
	}
	return action
}

// require asks polkit for each action in turn (an agent may ask the
// user for a password); root needs none. The error is an *httpError 403.
func (g gate) require(r *http.Request, actions ...string) error {
	p := peerOf(r)
	if p.uid == 0 {
		return nil
	}
	for _, a := range actions {
		if a == actNone || a == actByHandler {
			continue
		}
		if err := g.check(r.Context(), p, a, true); err != nil {
			return &httpError{code: http.StatusForbidden, err: err}
		}
	}
	return nil
}

// awaitPrompt gives the answer to a non-root peer's request that may
// ask polkit time to wait for a password dialog: the server's write
// timeout would otherwise cut it off.
func (g gate) awaitPrompt(w http.ResponseWriter, r *http.Request, need string) {
	p := peerOf(r)
	if p.uid == 0 || need == actNone {
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(polkit.DefaultPromptTimeout + controlWriteTimeout))
}

// may says whether the peer is authorized for action without being
// asked anything (for what a listing shows); polkit unreachable is no.
func (g gate) may(r *http.Request, action string) bool {
	p := peerOf(r)
	return p.uid == 0 || g.check(r.Context(), p, action, false) == nil
}

// seesAll says whether the peer sees every user's questions and rules.
func (g gate) seesAll(r *http.Request) bool { return g.may(r, actOtherUser) }

func (g gate) check(ctx context.Context, p peer, action string, interactive bool) error {
	if g.auth == nil {
		return &authzError{action: action, why: "and this daemon has no polkit authority: only root may"}
	}
	s := polkit.Subject{PID: uint32(p.pid), StartTime: p.start, UID: p.uid}
	res, err := g.auth.Check(ctx, s, action, interactive)
	switch {
	case err != nil:
		g.log.Warn("polkit check failed: refused", "action", action, "uid", p.uid, "pid", p.pid, "err", err)
		return &authzError{action: action, why: fmt.Sprintf("is refused: polkit could not be asked (%v); root may still do it", err)}
	case res.Authorized:
		g.log.Info("polkit authorized", "action", action, "uid", p.uid, "pid", p.pid)
		return nil
	case res.Challenge:
		return &authzError{action: action, why: "needs authentication, and no polkit agent answered " +
			"(run it in a desktop session whose polkit agent can ask for the password, or as root)"}
	}
	return &authzError{action: action, why: "is not allowed for this user by polkit's policy"}
}
