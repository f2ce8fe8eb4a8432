package control

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/cmd/ifw/polkit"
)

// fakeAuthority answers from a table and records the checks.
type fakeAuthority struct {
	mu      sync.Mutex
	answers map[string]polkit.Result
	err     error
	checks  []string // "action interactive"
}

func (f *fakeAuthority) Check(_ context.Context, s polkit.Subject, action string, interactive bool) (polkit.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := action
	if interactive {
		c += " interactive"
	}
	f.checks = append(f.checks, c)
	return f.answers[action], f.err
}

func peerRequest(uid uint32) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	return r.WithContext(context.WithValue(r.Context(), peerKey{}, peer{uid: uid, pid: 42, start: 7}))
}

func TestGateRequire(t *testing.T) {
	fa := &fakeAuthority{answers: map[string]polkit.Result{
		actAnswerOwn:      {Authorized: true},
		actRulesPermanent: {Challenge: true},
	}}
	g := gate{auth: fa, log: slog.New(slog.DiscardHandler)}
	if err := g.require(peerRequest(0), actManage, actOtherUser); err != nil || len(fa.checks) != 0 {
		t.Errorf("root: %v, checks %v; want allowed without asking", err, fa.checks)
	}
	if err := g.require(peerRequest(1000), actAnswerOwn); err != nil {
		t.Errorf("authorized: %v", err)
	}
	err := g.require(peerRequest(1000), actRulesPermanent)
	var he *httpError
	if !errors.As(err, &he) || he.code != http.StatusForbidden || !strings.Contains(err.Error(), "needs authentication") {
		t.Errorf("challenge: %v, want 403 needing authentication", err)
	}
	if err := g.require(peerRequest(1000), actBlock); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("no: %v", err)
	}
	if want := []string{actAnswerOwn + " interactive", actRulesPermanent + " interactive", actBlock + " interactive"}; !slices.Equal(fa.checks, want) {
		t.Errorf("checks %v, want %v", fa.checks, want)
	}
	if g.may(peerRequest(1000), actRulesPermanent) || fa.checks[len(fa.checks)-1] != actRulesPermanent {
		t.Errorf("may: a challenge is no, asked without interaction: %v", fa.checks)
	}
	fa.err = polkit.ErrUnavailable
	if err := g.require(peerRequest(1000), actAnswerOwn); err == nil || !strings.Contains(err.Error(), "could not be asked") {
		t.Errorf("polkit unreachable: %v, want refused", err)
	}
	if g.may(peerRequest(1000), actAnswerOwn) {
		t.Errorf("polkit unreachable: may says yes")
	}
	g.auth = nil
	if err := g.require(peerRequest(1000), actAnswerOwn); err == nil {
		t.Errorf("no authority: allowed")
	}
}

// TestRouteTable: every route of the table declares a known need, has
// exactly one handler, and appears once; the blocking routes need
// org.ifw.block.
func TestRouteTable(t *testing.T) {
	s := newServer("/nonexistent/ifw.sock", "ifw-no-such-group", nil)
	known := map[string]bool{actNone: true, actByHandler: true, actAnswerOwn: true, actRulesPermanent: true,
		actOtherUser: true, actBlock: true, actManage: true}
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		if !known[rt.need] || (rt.handle == nil) == (rt.stream == nil) || seen[rt.pattern] {
			t.Errorf("route %q: need %q, handle %v, stream %v, seen %v", rt.pattern, rt.need, rt.handle != nil, rt.stream != nil, seen[rt.pattern])
		}
		seen[rt.pattern] = true
		blockRoute := strings.HasSuffix(rt.pattern, " /v1/blocks") || rt.pattern == "POST /v1/blocks/flush" || rt.pattern == "PUT /v1/blocks/auto"
		if blockRoute && !strings.HasPrefix(rt.pattern, "GET") && rt.need != actBlock {
			t.Errorf("%s needs %q", rt.pattern, rt.need)
		}
	}
	if !seen["POST /v1/blocks/flush"] {
		t.Error("no flush route")
	}
	if !seen["PUT /v1/blocks/auto"] || !seen["GET /v1/blocks/auto"] {
		t.Error("no automatic-blocking switch routes")
	}
	if seen["GET /v1/alerts"] != true {
		t.Error("no alerts route")
	}
	if !seen["GET /v1/stream"] {
		t.Error("no stream route")
	}
}

// TestRoutesTellTheFeed: every route that changes a list says which, so
// that the management window's lists follow; only the desktop's own
// notes (a click, alerts seen) change none.
func TestRoutesTellTheFeed(t *testing.T) {
	s := newServer("/nonexistent/ifw.sock", "ifw-no-such-group", nil)
	changesNothing := map[string]bool{"POST /v1/choices": true, "POST /v1/alerts/seen": true}
	for _, rt := range s.routes() {
		read := strings.HasPrefix(rt.pattern, "GET ")
		if read != (rt.changes == "") && !changesNothing[rt.pattern] {
			t.Errorf("route %q tells the feed %q", rt.pattern, rt.changes)
		}
	}
}

func TestNeeds(t *testing.T) {
	q := verdict.Question{UID: 1000}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"own once", answerNeeds(1000, q, rules.Once, ""), []string{actAnswerOwn}},
		{"own session", answerNeeds(1000, q, rules.Session, ""), []string{actAnswerOwn}},
		{"own always", answerNeeds(1000, q, rules.Permanent, ""), []string{actRulesPermanent}},
		{"own timed", answerNeeds(1000, q, rules.Timed, ""), []string{actRulesPermanent}},
		{"other once", answerNeeds(1001, q, rules.Once, ""), []string{actOtherUser}},
		{"other always", answerNeeds(1001, q, rules.Permanent, ""), []string{actOtherUser, actRulesPermanent}},
		{"own session, host scope", answerNeeds(1000, q, rules.Session, verdict.ScopeHost), []string{actRulesPermanent}},
		{"own session, any scope", answerNeeds(1000, q, rules.Session, verdict.ScopeAny), []string{actRulesPermanent}},
		{"own once, any scope", answerNeeds(1000, q, rules.Once, verdict.ScopeAny), []string{actAnswerOwn}},
		{"own session, port scope", answerNeeds(1000, q, rules.Session, verdict.ScopePort), []string{actAnswerOwn}},
		{"rule narrow once", ruleNeeds(1000, rule(t, "allow exe=/usr/bin/nc dst=192.0.2.1 user=1000", rules.Once)), []string{actAnswerOwn}},
		{"rule narrow session hash", ruleNeeds(1000, rule(t, "allow sha256="+strings.Repeat("a", 64)+" host=example.org user=1000", rules.Session)), []string{actAnswerOwn}},
		{"rule permanent", ruleNeeds(1000, rule(t, "allow exe=/usr/bin/nc dst=192.0.2.1 user=1000", rules.Permanent)), []string{actRulesPermanent}},
		{"rule exe=any", ruleNeeds(1000, rule(t, "allow exe=any dst=192.0.2.1 user=1000", rules.Once)), []string{actRulesPermanent}},
		{"rule exe=unknown", ruleNeeds(1000, rule(t, "allow exe=unknown dst=192.0.2.1 user=1000", rules.Once)), []string{actRulesPermanent}},
		{"rule any destination", ruleNeeds(1000, rule(t, "allow exe=/usr/bin/nc user=1000", rules.Once)), []string{actRulesPermanent}},
		{"rule 0.0.0.0/0", ruleNeeds(1000, rule(t, "allow exe=/usr/bin/nc dst=0.0.0.0/0 user=1000", rules.Once)), []string{actRulesPermanent}},
		{"rule every user", ruleNeeds(1000, rule(t, "allow exe=/usr/bin/nc dst=192.0.2.1", rules.Once)), []string{actOtherUser}},
		{"rule other uid", ruleNeeds(1001, rule(t, "allow exe=/usr/bin/nc dst=192.0.2.1 user=1000", rules.Once)), []string{actOtherUser}},
		{"choice once", choiceNeeds("allow_once"), []string{actAnswerOwn}},
		{"choice deny", choiceNeeds("deny"), []string{actAnswerOwn}},
		{"choice always", choiceNeeds("allow_always"), []string{actRulesPermanent}},
		{"choice block", choiceNeeds("block"), []string{actBlock}},
		{"choice whitelist", choiceNeeds("whitelist"), []string{actBlock}},
		{"choice unblock", choiceNeeds("unblock"), []string{actBlock}},
		{"choice reject", choiceNeeds("reject"), []string{actAnswerOwn}},
		{"choice deny always", choiceNeeds("deny_always"), []string{actRulesPermanent}},
		{"choice ignore", choiceNeeds("ignore"), nil},
		{"choice unknown", choiceNeeds("format-disk"), []string{actManage}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func rule(t *testing.T, line string, l rules.Lifetime) rules.Rule {
	t.Helper()
	r, err := rules.ParseLine(line, nil)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	r.Lifetime = l
	return r
}
