package control_test

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// The whole API through the typed client, against a fake daemon, without
// root: every route, its answers and its refusals in the user's words.

func apiError(t *testing.T, err error) *control.APIError {
	t.Helper()
	var ae *control.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%v: not an API refusal", err)
	}
	return ae
}

func TestAPIBlocking(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	if st, err := c.Status(ctx); err != nil || st.Host != "test" || st.Control.Connections.Max == 0 {
		t.Errorf("status %+v, %v", st, err)
	}
	if b, err := c.Block(ctx, control.BlockRequest{Prefix: "198.51.100.7", For: "1h", Reason: "test"}); err != nil || b.Prefix.String() != "198.51.100.7/32" {
		t.Errorf("block %+v, %v", b, err)
	}
	for _, bad := range []control.BlockRequest{{Prefix: "notanip"}, {Prefix: "198.51.100.7", For: "soon"}} {
		if ae := apiError(t, blockErr(c, bad)); ae.Code != 400 {
			t.Errorf("%+v: %+v", bad, ae)
		}
	}
	if ae := apiError(t, blockErr(c, control.BlockRequest{Prefix: "notanip"})); ae.Message != `"notanip" is not an IP address or network` {
		t.Errorf("message %q", ae.Message)
	}
	if _, err := c.Block(ctx, control.BlockRequest{Prefix: "2001:db8::/48", For: "forever"}); err != nil {
		t.Error(err)
	}
	if list, err := c.Blocks(ctx); err != nil || len(list) != 3 {
		t.Errorf("blocks %v, %v", list, err)
	}
	if r, err := c.Unblock(ctx, "198.51.100.7"); err != nil || r.Removed != "198.51.100.7/32" {
		t.Errorf("unblock %+v, %v", r, err)
	}
	if _, err := c.Unblock(ctx, "198.51.100.7"); !apiError(t, err).NotFound() {
		t.Errorf("unblocking twice: %v", err)
	}
	if _, err := c.Unblock(ctx, "x"); apiError(t, err).Code != 400 {
		t.Errorf("unblocking x: %v", err)
	}
	if st, err := c.ReloadBlocks(ctx); err != nil || st.Entries != 3 {
		t.Errorf("reload %+v, %v", st, err)
	}
	added, err := c.WhitelistAdd(ctx, control.WhitelistRequest{Entry: "203.0.113.5", Comment: "ours"})
	if err != nil || len(added.Unblocked) != 1 {
		t.Errorf("whitelist add %+v, %v", added, err)
	}
	if _, err := c.WhitelistAdd(ctx, control.WhitelistRequest{Entry: "a b"}); apiError(t, err).Code != 400 {
		t.Errorf("bad entry: %v", err)
	}
	if wl, err := c.Whitelist(ctx); err != nil || len(wl.Entries) != 2 {
		t.Errorf("whitelist %+v, %v", wl, err)
	}
	if _, err := c.WhitelistDel(ctx, "203.0.113.5"); err != nil {
		t.Error(err)
	}
	if _, err := c.WhitelistDel(ctx, "203.0.113.5"); !apiError(t, err).NotFound() {
		t.Errorf("deleting twice: %v", err)
	}
}

// TestAPIFlush: flush lifts every block and says which; a second one
// lifts none; with blocking off it is unavailable.
func TestAPIFlush(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	if _, err := c.Block(ctx, control.BlockRequest{Prefix: "198.51.100.7"}); err != nil {
		t.Fatal(err)
	}
	f, err := c.FlushBlocks(ctx)
	if err != nil || f.Count != 2 || len(f.Lifted) != 2 {
		t.Errorf("flush %+v, %v", f, err)
	}
	if list, err := c.Blocks(ctx); err != nil || len(list) != 0 {
		t.Errorf("after flush: %v, %v", list, err)
	}
	if f, err := c.FlushBlocks(ctx); err != nil || f.Count != 0 || f.Lifted == nil {
		t.Errorf("second flush %+v, %v", f, err)
	}
	off, _ := controltest.Start(t, &controltest.Backend{BlockingOff: true})
	if _, err := control.NewClient(off).FlushBlocks(ctx); !apiError(t, err).Unavailable() {
		t.Errorf("flush with blocking off: %v", err)
	}
}

// TestAPIAlerts: the history answers [] when empty, and a query it
// cannot read is a 400 in words.
func TestAPIAlerts(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	if list, err := c.Alerts(ctx, control.AlertQuery{}); err != nil || list == nil || len(list) != 0 {
		t.Errorf("alerts %v, %v", list, err)
	}
	for _, q := range []control.AlertQuery{{Src: "x"}, {MinLevel: 6}, {Limit: control.MaxAlertLimit + 1}} {
		if _, err := c.Alerts(ctx, q); apiError(t, err).Code != 400 {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

func blockErr(c *control.Client, r control.BlockRequest) error {
	_, err := c.Block(context.Background(), r)
	return err
}

func TestAPIOutbound(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	if qs, err := c.Queue(ctx); err != nil || len(qs) != 1 || qs[0].ID != 3 {
		t.Errorf("queue %+v, %v", qs, err)
	}
	res, err := c.Answer(ctx, 3, control.AnswerRequest{Action: "allow", Lifetime: "timed", For: "1h"})
	if err != nil || res.Rule == nil || res.Question.ID != 3 {
		t.Errorf("answer %+v, %v", res, err)
	}
	for _, bad := range []control.AnswerRequest{{Action: "maybe"}, {Action: "allow", For: "1h"}, {Action: "deny", Lifetime: "timed", For: "-1h"}, {Action: "allow", Lifetime: "forever"}} {
		if _, err := c.Answer(ctx, 3, bad); apiError(t, err).Code != 400 {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := c.Answer(ctx, 3, control.AnswerRequest{Action: "deny", Lifetime: "session", Scope: "everywhere"}); apiError(t, err).Code != 400 {
		t.Errorf("bad scope: %v", err)
	}
	if res, err := c.Answer(ctx, 3, control.AnswerRequest{Action: "deny", Lifetime: "session", Scope: "host"}); err != nil || res.Rule == nil {
		t.Errorf("host scope: %+v, %v", res, err)
	}
	if vs, err := c.Verdicts(ctx); err != nil || len(vs) != 2 || vs[0].Exe != "/usr/bin/curl" || vs[0].Count != 2 {
		t.Errorf("verdicts %+v, %v", vs, err)
	}
	if _, err := c.Answer(ctx, 99, control.AnswerRequest{Action: "allow"}); apiError(t, err).Message != "no question 99" {
		t.Errorf("no question: %v", err)
	}
	rule, err := c.AddRule(ctx, control.RuleRequest{Line: "allow exe=/usr/bin/ssh port=22 proto=tcp", Lifetime: "timed", For: "2h"})
	if err != nil || rule.Lifetime != "timed" {
		t.Fatalf("add %+v, %v", rule, err)
	}
	if _, err := c.AddRule(ctx, control.RuleRequest{Line: "allow nonsense"}); apiError(t, err).Code != 400 {
		t.Errorf("bad rule: %v", err)
	}
	if _, err := c.AddRule(ctx, control.RuleRequest{Line: "allow port=22", For: "x"}); apiError(t, err).Code != 400 {
		t.Errorf("bad lifetime: %v", err)
	}
	if rs, err := c.Rules(ctx); err != nil || len(rs) != 3 {
		t.Errorf("rules %+v, %v", rs, err)
	}
	if _, err := c.DeleteRule(ctx, rule.ID); err != nil {
		t.Error(err)
	}
	if _, err := c.DeleteRule(ctx, 99); apiError(t, err).Message != "no rule 99" {
		t.Errorf("no rule: %v", err)
	}
}

// TestAPIPartsOff: a module that is off answers 503 with the place to
// look, not an error of the HTTP layer.
func TestAPIPartsOff(t *testing.T) {
	b := controltest.NewBackend()
	b.BlockingOff, b.OutboundOff = true, true
	socket, _ := controltest.Start(t, b)
	c, ctx := control.NewClient(socket), context.Background()
	_, errBlocks := c.Blocks(ctx)
	_, errRules := c.Rules(ctx)
	_, errChoice := c.Choose(ctx, control.ChoiceRequest{EventID: 1, Choice: notify.ActionIgnore})
	for _, err := range []error{errBlocks, errRules, errChoice} {
		if !apiError(t, err).Unavailable() {
			t.Errorf("%v: want 503", err)
		}
	}
	if _, err := c.Events(ctx, func(control.Event) {}); !apiError(t, err).Unavailable() {
		t.Errorf("events without a hub: %v", err)
	}
}

// TestAPIDesktop: the event stream and the clicks: Block blocks the
// alert's source for an hour, Allow once answers the question.
func TestAPIDesktop(t *testing.T) {
	hub, c, events := desktop(t, notify.Config{})
	ctx := context.Background()
	src := netip.MustParseAddr("198.51.100.66")
	if err := hub.Run(ctx, alerts.Alert{ID: 9, Src: src, Level: 3, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	ev := next(t, events)
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: ev.ID, Choice: notify.ActionBlock}); err != nil {
		t.Fatalf("block click: %v", err)
	}
	if list, _ := c.Blocks(ctx); !hasBlock(list, "198.51.100.66/32") {
		t.Errorf("the click did not block: %v", list)
	}
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: ev.ID, Choice: notify.ActionBlock}); !apiError(t, err).Conflict() {
		t.Errorf("a second click: %v, want 409", err)
	}
	q := notify.Question{ID: 3, UID: uint32(os.Getuid()), Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("198.51.100.9"), Port: 443, Proto: "tcp"}
	hub.Ask(q)
	ev = next(t, events)
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: ev.ID, Choice: notify.ActionAllowOnce}); err != nil {
		t.Errorf("allow once: %v", err)
	}
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: 12345, Choice: notify.ActionIgnore}); !apiError(t, err).NotFound() {
		t.Errorf("unknown event: %v", err)
	}
}

func next(t *testing.T, events <-chan control.Event) control.Event {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(time.Minute):
		t.Fatal("no event")
	}
	return control.Event{}
}

func hasBlock(list []block.Active, p string) bool {
	for _, b := range list {
		if b.Prefix.String() == p {
			return true
		}
	}
	return false
}

// desktop runs a control server whose backend's desktop hub is hub (its
// config cfg) and subscribes a client to its event stream: it returns the
// hub, the client and the events, once the subscription is in place.
func desktop(t *testing.T, cfg notify.Config) (*notify.Hub, *control.Client, <-chan control.Event) {
	t.Helper()
	hub, err := notify.NewHub(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	b := controltest.NewBackend()
	b.Events = hub
	socket, _ := controltest.Start(t, b)
	c := control.NewClient(socket)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	events := make(chan control.Event, 8)
	go c.Events(ctx, func(ev control.Event) { events <- ev })
	for deadline := time.Now().Add(time.Minute); hub.Subscribers() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no subscription")
		}
	}
	return hub, c, events
}

// TestClientNoDaemon: a socket nobody listens on is "not running", in
// words that say what to do.
func TestClientNoDaemon(t *testing.T) {
	c := control.NewClient(filepath.Join(t.TempDir(), "ifw.sock"))
	_, err := c.Status(context.Background())
	var se *control.SocketError
	if !errors.As(err, &se) || !errors.Is(err, control.ErrNotRunning) {
		t.Fatalf("%v", err)
	}
	if c.Socket() == "" || se.Error() == "" {
		t.Error("no words")
	}
	if _, err := c.Events(context.Background(), func(control.Event) {}); !errors.Is(err, control.ErrNotRunning) {
		t.Errorf("events: %v", err)
	}
}
