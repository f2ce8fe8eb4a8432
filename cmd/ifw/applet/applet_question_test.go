package applet

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// myQuestion is a question about a connection of the test's own uid, the
// uid the applet's subscription has, by a program whose path a markup
// server would read.
func myQuestion(deadline time.Time) notify.Question {
	return notify.Question{ID: 42, UID: uint32(os.Getuid()), User: "alice", PID: 4242, Exe: "/opt/<b>&tool",
		Dst: netip.MustParseAddr("203.0.113.2"), Port: 80, Proto: "tcp", Connections: 2, Deadline: deadline, Default: "deny"}
}

var questionButtons = []string{"allow_once", "Allow once", "allow_always", "Allow always", "deny", "Deny",
	"deny_always", "Deny always", "reject", "Reject (fail fast)"}

func TestAppletQuestion(t *testing.T) {
	tests := []struct {
		name    string
		caps    []string
		in      time.Duration // deadline from now
		escape  bool
		buttons []string
		timeout [2]int32 // bounds of the expire timeout (ms)
	}{
		{"full server", notifytest.AllCaps, 30 * time.Second, true, questionButtons, [2]int32{25000, 30000}},
		{"no markup", []string{"actions", "body"}, time.Minute, false, questionButtons, [2]int32{55000, 60000}},
		{"no actions: answered in a terminal", []string{"body", "body-markup"}, 30 * time.Second, true, nil, [2]int32{25000, 30000}},
		{"deadline passed: a second", notifytest.AllCaps, -time.Minute, true, questionButtons, [2]int32{1000, 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAppletEnv(t, tt.caps...)
			q := myQuestion(time.Now().Add(tt.in))
			id, n := e.hub.Ask(q)
			if n != 1 {
				t.Fatalf("Ask reached %d applets", n)
			}
			c := e.server.Next(t)
			want := notify.QuestionBubble(q).Body
			if tt.escape {
				want = notify.EscapeMarkup(want)
			}
			if c.Summary != "Outbound connection" || c.Body != want {
				t.Errorf("bubble %q:\n%s\nwant\n%s", c.Summary, c.Body, want)
			}
			if !slices.Equal(c.Actions, tt.buttons) {
				t.Errorf("actions %q, want %q", c.Actions, tt.buttons)
			}
			notifytest.CheckHints(t, c, byte(notify.UrgencyCritical))
			if c.Timeout < tt.timeout[0] || c.Timeout > tt.timeout[1] {
				t.Errorf("expire timeout %d ms, want %d-%d", c.Timeout, tt.timeout[0], tt.timeout[1])
			}
			if tt.buttons == nil {
				return
			}
			mustEmit(t, e.server.Emit("ActionInvoked", c.ID, notify.ActionAllowAlways))
			got := e.daemon.nextChoice(t)
			if got.Err != nil || got.Req != (control.ChoiceRequest{EventID: id, Choice: notify.ActionAllowAlways}) ||
				got.Choice.Question == nil || got.Choice.Question.ID != q.ID {
				t.Errorf("choice %+v, want allow_always on event %d (question %d)", got, id, q.ID)
			}
		})
	}
}

func TestAppletRetract(t *testing.T) {
	for _, caps := range [][]string{notifytest.AllCaps, {"body"}} {
		t.Run("caps="+strings.Join(caps, ","), func(t *testing.T) {
			e := newAppletEnv(t, caps...)
			id, _ := e.hub.Ask(myQuestion(time.Now().Add(time.Minute)))
			c := e.server.Next(t)
			notifytest.WaitFor(t, "the bubble tracked", func() bool { return e.applet.sent.len() == 1 })
			e.hub.Retract(id) // answered with ifw queue, or timed out
			if got := e.server.NextClose(t); got != c.ID {
				t.Fatalf("closed notification %d, want %d", got, c.ID)
			}
			notifytest.WaitFor(t, "the bubble forgotten", func() bool { return e.applet.sent.len() == 0 })
			mustEmit(t, e.server.Emit("ActionInvoked", c.ID, notify.ActionAllowOnce)) // a late click
			select {
			case got := <-e.daemon.choices:
				t.Errorf("click on a retracted bubble posted: %+v", got)
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

// TestAppletSkipsWhatItDoesNotKnow: events of a future kind, a question
// without its payload and the retraction of a bubble shown elsewhere
// change nothing; the next question shows as usual.
func TestAppletSkipsWhatItDoesNotKnow(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	for _, ev := range []control.Event{{Kind: "future"}, {Kind: notify.KindQuestion, Actions: notify.QuestionActions()}, {Kind: notify.KindRetract, Ref: 12345}} {
		e.daemon.inject <- ev
	}
	q := myQuestion(time.Now().Add(time.Minute))
	e.hub.Ask(q)
	if c := e.server.Next(t); c.Summary != "Outbound connection" {
		t.Errorf("first bubble %q, want the question's", c.Summary)
	}
	select {
	case id := <-e.server.Closes:
		t.Errorf("notification %d closed", id)
	default:
	}
}
