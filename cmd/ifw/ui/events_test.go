package ui

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// eventReader reads a page's /events.
type eventReader struct {
	t      *testing.T
	resp   *http.Response
	sc     *bufio.Scanner
	cancel context.CancelFunc
}

// openEvents opens /events as the page's EventSource would and reads
// until the hello.
func openEvents(t *testing.T, u *ui) *eventReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", u.base+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(u.cookie)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	e := &eventReader{t: t, resp: resp, sc: bufio.NewScanner(resp.Body), cancel: cancel}
	e.sc.Buffer(nil, 1<<20)
	t.Cleanup(e.close)
	if name, _ := e.next(); name != "hello" {
		t.Fatalf("first event %q", name)
	}
	return e
}

func (e *eventReader) close() {
	e.cancel()
	e.resp.Body.Close()
}

// next is the next event's name and data.
func (e *eventReader) next() (string, string) {
	e.t.Helper()
	var name string
	var data []string
	for e.sc.Scan() {
		line := e.sc.Text()
		switch {
		case line == "" && name != "":
			return name, strings.Join(data, "\n")
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
	e.t.Fatalf("the event stream ended: %v", e.sc.Err())
	return "", ""
}

// TestEventsDeliverAlertRow: a new alert reaches the open page as its
// row, rendered by the page's own template; other kinds say which list
// changed; an ignored attacker's alerts are not sent.
func TestEventsDeliverAlertRow(t *testing.T) {
	a := hostileAlert(77)
	a.Host, a.Collector = "gw", "kmsg"
	d := newFakeDaemon(t, a)
	u := startUI(t, d, 0)
	u.login()
	ev := openEvents(t, u)

	d.send(control.StreamEvent{Kind: "alert", Alert: &a})
	name, row := ev.next()
	if name != "alert" || !strings.HasPrefix(row, `<tr class="alert level4" data-id="77" data-src="203.0.113.66" data-level="4">`) ||
		!strings.Contains(row, `name="csrf" value="`+u.csrf+`"`) || !strings.Contains(row, `data-action="block-for"`) ||
		!strings.Contains(row, "<details>") {
		t.Fatalf("alert event %q: %s", name, row)
	}
	if name, kind := ev.next(); name != "changed" || kind != "alert" {
		t.Errorf("after the row: %q %q", name, kind)
	}
	// The same row as the Log page shows it.
	if _, page := u.get("/log"); !strings.Contains(page, row) {
		t.Errorf("the live row differs from the page's:\n%s\n%s", row, page)
	}

	d.send(control.StreamEvent{Kind: "blocks"})
	if name, kind := ev.next(); name != "changed" || kind != "blocks" {
		t.Errorf("blocks: %q %q", name, kind)
	}

	if msg, bad := u.act("/log/act", map[string][]string{"src": {"203.0.113.66"}, "action": {"ignore"}}); bad || !strings.Contains(msg, "hidden") {
		t.Fatalf("ignore: %q %v", msg, bad)
	}
	if _, page := u.get("/log"); strings.Contains(page, `data-id="77"`) {
		t.Error("an ignored attacker's row is shown")
	}
	d.send(control.StreamEvent{Kind: "alert", Alert: &a})
	if name, kind := ev.next(); name != "changed" || kind != "alert" {
		t.Errorf("an ignored attacker's alert was sent: %q %q", name, kind)
	}
}

// TestEventsLost: when the daemon says the stream lost events, the page
// is told to fetch all its lists again; a heartbeat tells it nothing.
func TestEventsLost(t *testing.T) {
	d := newFakeDaemon(t)
	d.fakeStream = true
	u := startUI(t, d, 0)
	u.login()
	ev := openEvents(t, u)
	d.send(control.StreamEvent{Kind: "queue", Dropped: 3})
	if name, kind := ev.next(); name != "changed" || kind != "all" {
		t.Errorf("lost events: %q %q", name, kind)
	}
	if name, kind := ev.next(); name != "changed" || kind != "queue" {
		t.Errorf("queue: %q %q", name, kind)
	}
	// The daemon's heartbeat is no change: the page fetches nothing.
	d.send(control.StreamEvent{Kind: control.StreamPing, Dropped: 3})
	d.send(control.StreamEvent{Kind: "rules", Dropped: 3}) // no more lost
	if name, kind := ev.next(); name != "changed" || kind != "rules" {
		t.Errorf("rules: %q %q", name, kind)
	}
}

// TestExitsAfterLastPage: once the last page's stream closed and none
// came back within the grace period, Run returns.
func TestExitsAfterLastPage(t *testing.T) {
	d := newFakeDaemon(t)
	u := startUI(t, d, 1) // 1 ns: the test waits for the exit, not for a time
	u.login()
	first, second := openEvents(t, u), openEvents(t, u)
	first.close()
	d.send(control.StreamEvent{Kind: "rules"}) // the second page still gets events
	if name, kind := second.next(); name != "changed" || kind != "rules" {
		t.Errorf("%q %q", name, kind)
	}
	second.close()
	if err := <-u.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	u.done <- nil // for the cleanup
}
