package control

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/sources"
)

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{}, {Path: "/run/x.sock", MaxConns: -1}} {
		if _, err := New(c, nil, nil); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	s, err := New(Config{Path: "/run/x.sock", MaxConns: 3, MaxConnsPerUID: 2}, nil, nil)
	if err != nil || s.Path() != "/run/x.sock" || s.ConnStats().Max != 3 || s.ConnStats().MaxPerUID != 2 {
		t.Errorf("%v %+v", err, s.ConnStats())
	}
}

// TestErrorCodes: each module error gets its status code, and the words
// of a missing question or rule are the user's.
func TestErrorCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
	}{
		{whitelist.ErrRefused, http.StatusConflict}, {whitelist.ErrExists, http.StatusConflict},
		{block.ErrNotBlocked, http.StatusNotFound}, {whitelist.ErrNotFound, http.StatusNotFound},
		{whitelist.ErrUnresolved, http.StatusUnprocessableEntity}, {whitelist.ErrSyntax, http.StatusBadRequest},
		{block.ErrPrefix, http.StatusBadRequest},
	} {
		var he *httpError
		if err := blockError(fmt.Errorf("x: %w", c.err)); !errors.As(err, &he) || he.code != c.code || !errors.Is(err, c.err) {
			t.Errorf("%v: %v", c.err, err)
		}
	}
	if blockError(nil) != nil || blockError(errors.New("other")) == nil {
		t.Error("nil or other errors changed")
	}
	for _, c := range []struct {
		err  error
		code int
	}{
		{verdict.ErrNoQuestion, http.StatusNotFound}, {rules.ErrNotFound, http.StatusNotFound},
		{verdict.ErrNotOwner, http.StatusForbidden}, {verdict.ErrStopped, http.StatusServiceUnavailable},
		{rules.ErrDuplicate, http.StatusConflict}, {rules.ErrInvalid, http.StatusBadRequest},
		{rules.ErrResolve, http.StatusBadRequest}, {errors.New("other"), http.StatusInternalServerError},
	} {
		var he *httpError
		if err := outboundError(c.err, "rule", 7); !errors.As(err, &he) || he.code != c.code {
			t.Errorf("%v: %v", c.err, err)
		}
	}
	if err := outboundError(rules.ErrNotFound, "rule", 7); err.Error() != "no rule 7" {
		t.Errorf("%q", err)
	}
	if errors.Unwrap(badRequest(rules.ErrInvalid)) != rules.ErrInvalid {
		t.Error("unwrap")
	}
}

// TestVisibleToPeer: a user sees its own questions and the rules that
// apply to it; root sees all.
func TestVisibleToPeer(t *testing.T) {
	s := newServer("/nonexistent/ifw.sock", "ifw-no-such-group", nil) // no polkit: nobody sees all
	qs := []verdict.Question{{ID: 1, UID: 1000}, {ID: 2, UID: 1001}}
	es := []rules.Entry{{Rule: rules.Rule{ID: 1, User: "al", UID: 1000}}, {Rule: rules.Rule{ID: 2}}, {Rule: rules.Rule{ID: 3, User: "bo", UID: 1001}}}
	if got := s.visibleQuestions(peerRequest(1000), qs); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("questions %+v", got)
	}
	if got := s.visibleRules(peerRequest(1000), es); len(got) != 2 {
		t.Errorf("rules %+v", got)
	}
	vs := []verdict.Given{{UID: 1001, Port: 1}, {UID: 1000, Port: 2}, {UID: 0, Port: 3}}
	if got := s.visibleVerdicts(peerRequest(1000), vs); len(got) != 1 || got[0].Port != 2 {
		t.Errorf("verdicts %+v", got)
	}
	if len(s.visibleQuestions(peerRequest(0), qs)) != 2 || len(s.visibleRules(peerRequest(0), es)) != 3 ||
		len(s.visibleVerdicts(peerRequest(0), vs)) != 3 {
		t.Error("root does not see all")
	}
}

// TestPeerListenerShares: a uid gets its share, the socket its maximum,
// root always; a refused connection gets a short HTTP answer and is
// counted.
func TestPeerListenerShares(t *testing.T) {
	l := newPeerListener(nil, 3, 2, nil)
	for range 2 {
		if err := l.admit(1000); err != nil {
			t.Fatal(err)
		}
	}
	var ue *uidLimitError
	if err := l.admit(1000); !errors.As(err, &ue) || !errors.Is(err, errConnLimit) || !strings.Contains(err.Error(), "uid 1000") {
		t.Errorf("third of uid 1000: %v", err)
	}
	if err := l.admit(1001); err != nil {
		t.Fatal(err)
	}
	if err := l.admit(1002); !errors.Is(err, errConnLimit) {
		t.Errorf("socket full: %v", err)
	}
	if err := l.admit(0); err != nil {
		t.Errorf("root refused: %v", err)
	}
	l.release(1000)
	if st := l.stats(); st.Open != 3 {
		t.Errorf("stats %+v", st)
	}
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("unix", path)
		if err == nil {
			defer c.Close()
			b := make([]byte, 512)
			c.Read(b)
		}
	}()
	c, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	l.log = discard()
	l.refuse(c, peer{uid: 1000}, &uidLimitError{uid: 1000, max: 2})
	if st := l.stats(); st.Refused != 1 || st.RefusedByUID[1000] != 1 {
		t.Errorf("refusal not counted: %+v", st)
	}
}

func TestStatusParts(t *testing.T) {
	cs := []CollectorStatus{{Name: "kmsg", Type: "kmsg", Stats: sources.StatsSnapshot{Lines: 3, Dropped: 1, LastError: "x"}}}
	if h := Health(cs); len(h) != 1 || h[0].Lines != 3 || h[0].Dropped != 1 || h[0].LastError != "x" {
		t.Errorf("health %+v", h)
	}
	c := CountSignatures(counts{})
	if c.Rules != 4 || c.SkippedPayload != 2 || c.SkippedBad != 1 || !strings.Contains(c.String(), "4 signatures") {
		t.Errorf("%+v %s", c, c)
	}
	for _, a := range []string{actAnswerOwn, actRulesPermanent, actOtherUser, actBlock, actManage, "other"} {
		if actionMeaning(a) == "" {
			t.Errorf("%s has no words", a)
		}
	}
	ae := &APIError{Code: http.StatusForbidden, Message: "no"}
	if !ae.Forbidden() || ae.Error() != "no" {
		t.Error("APIError")
	}
	se := &SocketError{Socket: "/run/x", Err: ErrNoAccess}
	if !strings.Contains(se.Error(), "group ifw") || !errors.Is(se, ErrNoAccess) {
		t.Errorf("%v", se)
	}
	if !strings.Contains((&SocketError{Socket: "/x", Err: errors.New("boom")}).Error(), "boom") {
		t.Error("other socket error")
	}
}

type counts struct{}

func (counts) Len() int               { return 4 }
func (counts) SkipCounts() (int, int) { return 2, 1 }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
