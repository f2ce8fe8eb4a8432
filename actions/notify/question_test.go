package notify

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// testQuestion is curl of uid 1000 waiting on 203.0.113.2 port 80.
func testQuestion(uid uint32) Question {
	return Question{ID: 42, UID: uid, User: "alice", PID: 4242, Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("203.0.113.2"),
		Port: 80, Proto: "tcp", Connections: 2, Deadline: time.Date(2026, 11, 21, 12, 0, 30, 0, time.Local), Default: "deny"}
}

// received returns what is waiting on ch, without blocking.
func received(ch <-chan Event) []Event {
	var out []Event
	for {
		select {
		case ev := <-ch:
			out = append(out, ev)
		default:
			return out
		}
	}
}

func TestAskOnlyTheOwner(t *testing.T) {
	h := newTestHub(t, Config{})
	owner1, c1 := h.Subscribe(1000)
	defer c1()
	owner2, c2 := h.Subscribe(1000) // a second desktop of the same user
	defer c2()
	other, c3 := h.Subscribe(1001)
	defer c3()
	root, c4 := h.Subscribe(0)
	defer c4()
	q := testQuestion(1000)
	id, n := h.Ask(q)
	if id == 0 || n != 2 {
		t.Fatalf("Ask = %d, %d; want an id and 2 recipients", id, n)
	}
	for i, ch := range []<-chan Event{owner1, owner2} {
		got := received(ch)
		if len(got) != 1 || got[0].ID != id || got[0].Kind != KindQuestion || got[0].Question == nil ||
			*got[0].Question != q || !slices.Equal(got[0].Actions, QuestionActions()) {
			t.Errorf("owner's subscription %d got %+v", i, got)
		}
	}
	if got := slices.Concat(received(other), received(root)); len(got) != 0 {
		t.Errorf("other uids got %+v", got)
	}
	tests := []struct {
		name   string
		uid    uint32
		choice string
		want   error
	}{
		{"another user", 1001, ActionAllowOnce, ErrNotRecipient},
		{"root", 0, ActionAllowAlways, ErrNotRecipient},
		{"an alert's choice", 1000, ActionBlock, ErrChoiceNotOffered},
		{"the owner", 1000, ActionAllowAlways, nil},
		{"the owner again", 1000, ActionDeny, ErrAnswered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := h.Choice(tt.uid, id, tt.choice)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Choice: %v, want %v", err, tt.want)
			}
			if tt.want == nil && (c.EventID != id || c.Action != tt.choice || c.Question == nil || *c.Question != q || c.Alert.Src.IsValid()) {
				t.Errorf("choice %+v", c)
			}
		})
	}
}

func TestAskWithoutOwnerApplet(t *testing.T) {
	h := newTestHub(t, Config{})
	other, cancel := h.Subscribe(1001)
	defer cancel()
	if id, n := h.Ask(testQuestion(1000)); id != 0 || n != 0 {
		t.Errorf("Ask = %d, %d; want nothing published", id, n)
	}
	if got := received(other); len(got) != 0 {
		t.Errorf("another uid got %+v", got)
	}
	if len(h.events) != 0 {
		t.Errorf("%d events remembered", len(h.events))
	}
}

func TestRetract(t *testing.T) {
	h := newTestHub(t, Config{})
	owner, c1 := h.Subscribe(1000)
	defer c1()
	other, c2 := h.Subscribe(1001)
	defer c2()
	id, _ := h.Ask(testQuestion(1000))
	h.Retract(id)
	got := received(owner)
	if len(got) != 2 || got[1].Kind != KindRetract || got[1].Ref != id || got[1].ID <= id || len(got[1].Actions) != 0 {
		t.Fatalf("owner got %+v, want the question then its retraction", got)
	}
	if _, err := h.Choice(1000, id, ActionAllowOnce); !errors.Is(err, ErrAnswered) {
		t.Errorf("click after Retract: %v, want ErrAnswered", err)
	}
	if _, err := h.Choice(1000, got[1].ID, ActionAllowOnce); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("choice on the retraction itself: %v, want ErrUnknownEvent", err)
	}
	h.Retract(id + 1000) // unknown: nothing
	h.Retract(id)        // again: the bubble may be anywhere; harmless
	if got := received(owner); len(got) != 1 || got[0].Ref != id {
		t.Errorf("after an unknown and a repeated Retract, owner got %+v", got)
	}
	if got := received(other); len(got) != 0 {
		t.Errorf("another uid got %+v", got)
	}
}

// TestEventJSON: each kind carries its own payload on the wire, and a
// question reads back as it was.
func TestEventJSON(t *testing.T) {
	q := testQuestion(1000)
	tests := []struct {
		name    string
		ev      Event
		has     []string
		hasNot  []string
		compare bool
	}{
		{"alert", Event{ID: 1, Kind: KindAlert, Alert: testAlert("203.0.113.7", 3), Actions: DefaultActions()},
			[]string{`"alert":`}, []string{`"question"`, `"ref"`}, false},
		{"question", Event{ID: 2, Kind: KindQuestion, Question: &q, Actions: QuestionActions()},
			[]string{`"question":{"id":42,"uid":1000,"user":"alice","pid":4242,"exe":"/usr/bin/curl","dst":"203.0.113.2","port":80,"proto":"tcp","connections":2,"deadline":`,
				`"default":"deny"}`, `"actions":["allow_once","allow_always","deny","deny_always","reject"]`}, []string{`"alert"`, `"ref"`}, true},
		{"retract", Event{ID: 3, Kind: KindRetract, Ref: 2}, []string{`"ref":2`}, []string{`"alert"`, `"question"`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.has {
				if !strings.Contains(string(b), s) {
					t.Errorf("%s lacks %s", b, s)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(string(b), s) {
					t.Errorf("%s has %s", b, s)
				}
			}
			var back Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if tt.compare && (back.Question == nil || !back.Question.Deadline.Equal(q.Deadline) || back.Question.Dst != q.Dst) {
				t.Errorf("read back %+v", back.Question)
			}
		})
	}
}

func TestQuestionBubble(t *testing.T) {
	base := testQuestion(1000)
	with := func(f func(*Question)) Question { q := base; f(&q); return q }
	tests := []struct {
		name string
		q    Question
		body string
	}{
		{"known process", base, "curl (/usr/bin/curl, pid 4242, user alice) wants to connect to 203.0.113.2 port 80/tcp — 2 connections waiting. No answer by 12:00:30: deny."},
		{"unknown process", with(func(q *Question) { q.Exe, q.PID, q.User, q.Connections, q.Proto = "", 0, "", 1, "udp" }),
			"An unknown process (uid 1000) wants to connect to 203.0.113.2 port 80/udp. No answer by 12:00:30: deny."},
		{"host name, IPv6, reject", with(func(q *Question) {
			q.Host, q.Dst, q.Port, q.Default, q.Connections = "example.org", netip.MustParseAddr("2001:db8::5"), 443, "reject", 0
		}), "curl (/usr/bin/curl, pid 4242, user alice) wants to connect to example.org (2001:db8::5) port 443/tcp. No answer by 12:00:30: reject."},
		{"no deadline", with(func(q *Question) { q.Deadline = time.Time{} }),
			"curl (/usr/bin/curl, pid 4242, user alice) wants to connect to 203.0.113.2 port 80/tcp — 2 connections waiting."},
		{"hostile names", with(func(q *Question) {
			q.Exe, q.User, q.Host = "/tmp/evil\nAllowed by ifw\u202e.exe", "bob\x1b[31m", "a\xffb"
		}), "evil�Allowed by ifw�.exe (/tmp/evil�Allowed by ifw�.exe, pid 4242, user bob�[31m) wants to connect to a�b (203.0.113.2) port 80/tcp — 2 connections waiting. No answer by 12:00:30: deny."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := QuestionBubble(tt.q)
			if b.Summary != "Outbound connection" || b.Urgency != UrgencyCritical || b.Body != tt.body {
				t.Errorf("bubble %q / %s:\n%s\nwant\n%s", b.Summary, b.Urgency, b.Body, tt.body)
			}
		})
	}
	long := with(func(q *Question) { q.Exe = "/" + strings.Repeat("x", 5000) })
	if b := QuestionBubble(long); len(b.Body) > maxBodyBytes+len("…") || !strings.HasSuffix(b.Body, "No answer by 12:00:30: deny.") {
		t.Errorf("long path: body of %d bytes, ending %q", len(b.Body), b.Body[max(0, len(b.Body)-40):])
	}
}
