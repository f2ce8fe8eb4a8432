package ui

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// fakeDaemon is the real client of a real control server over a unix
// socket (controltest's fake backend, its stream fed by the test), with
// the calls the tests look at recorded, and a few lists replaced.
type fakeDaemon struct {
	*control.Client
	backend *controltest.Backend
	t       *testing.T

	mu       sync.Mutex
	seen     []int64
	queries  []control.AlertQuery
	sent     []control.AnswerRequest
	queue    []verdict.Question // nil: the backend's
	verdicts []verdict.Given    // nil: the backend's
	status   *control.Status    // nil: the backend's
	// fakeStream: Stream is played here (hello, then what send sends),
	// not the daemon's (to send what the feed would not, e.g. Dropped).
	fakeStream bool
	subs       []chan control.StreamEvent
}

// newFakeDaemon starts a control server over a backend holding list
// (newest first) as its alert history.
func newFakeDaemon(t *testing.T, list ...control.AlertRecord) *fakeDaemon {
	t.Helper()
	b := controltest.NewBackend()
	b.AlertList = list
	socket, b := controltest.Start(t, b)
	return &fakeDaemon{Client: control.NewClient(socket), backend: b, t: t}
}

func (d *fakeDaemon) Stream(ctx context.Context, fn func(control.StreamEvent)) error {
	if !d.fakeStream {
		return d.Client.Stream(ctx, fn)
	}
	ch := make(chan control.StreamEvent, 16)
	d.mu.Lock()
	d.subs = append(d.subs, ch)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.subs = slices.DeleteFunc(d.subs, func(c chan control.StreamEvent) bool { return c == ch })
	}()
	fn(control.StreamEvent{Kind: "hello"})
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-ch:
			fn(ev)
		}
	}
}

// send publishes ev as the daemon would (to every open stream).
func (d *fakeDaemon) send(ev control.StreamEvent) {
	if !d.fakeStream {
		if ev.Kind == "alert" {
			d.backend.Feed.Alert(*ev.Alert)
		} else {
			d.backend.Feed.Changed(ev.Kind)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ch := range d.subs {
		select {
		case ch <- ev:
		default:
			d.t.Error("a stream's events are full")
		}
	}
}

func (d *fakeDaemon) MarkSeen(ctx context.Context, upTo int64) error {
	d.mu.Lock()
	d.seen = append(d.seen, upTo)
	d.mu.Unlock()
	return d.Client.MarkSeen(ctx, upTo)
}

func (d *fakeDaemon) Answer(ctx context.Context, id uint64, req control.AnswerRequest) (*control.Answered, error) {
	d.mu.Lock()
	d.sent = append(d.sent, req)
	d.mu.Unlock()
	return d.Client.Answer(ctx, id, req)
}

func (d *fakeDaemon) Queue(ctx context.Context) ([]verdict.Question, error) {
	d.mu.Lock()
	q := d.queue
	d.mu.Unlock()
	if q != nil {
		return q, nil
	}
	return d.Client.Queue(ctx)
}

func (d *fakeDaemon) Verdicts(ctx context.Context) ([]verdict.Given, error) {
	d.mu.Lock()
	v := d.verdicts
	d.mu.Unlock()
	if v != nil {
		return v, nil
	}
	return d.Client.Verdicts(ctx)
}

func (d *fakeDaemon) Status(ctx context.Context) (*control.Status, error) {
	d.mu.Lock()
	st := d.status
	d.mu.Unlock()
	if st != nil {
		return st, nil
	}
	return d.Client.Status(ctx)
}

func (d *fakeDaemon) Alerts(ctx context.Context, q control.AlertQuery) ([]control.AlertRecord, error) {
	d.mu.Lock()
	d.queries = append(d.queries, q)
	d.mu.Unlock()
	return d.Client.Alerts(ctx, q)
}

// ui is a running `ifw ui` for a test.
type ui struct {
	t      *testing.T
	base   string // http://127.0.0.1:PORT
	port   string
	token  string
	cookie *http.Cookie
	csrf   string
	done   chan error
	cancel context.CancelFunc
}

var urlLine = regexp.MustCompile(`^http://127\.0\.0\.1:([0-9]+)/login\?token=([A-Za-z0-9_-]{43})$`)

// startUI runs a Server over d and reads its URL from its first line.
func startUI(t *testing.T, d Daemon, grace time.Duration) *ui {
	t.Helper()
	pr, pw := io.Pipe()
	s, err := New(Config{Daemon: d, Out: pw, Grace: grace}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &ui{t: t, done: make(chan error, 1), cancel: cancel}
	go func() { u.done <- s.Run(ctx); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		<-u.done
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // nothing more is written
	m := urlLine.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		t.Fatalf("first line %q: not the login URL", line)
	}
	u.port, u.token = m[1], m[2]
	u.base = "http://127.0.0.1:" + u.port
	return u
}

// client follows no redirect: the tests look at each answer.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request with the session cookie (if logged in) and headers.
func (u *ui) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	u.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.base+path, body)
	if err != nil {
		u.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if u.cookie != nil {
		req.AddCookie(u.cookie)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatal(err)
	}
	return resp, string(b)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login exchanges the token for the cookie and reads the CSRF token.
func (u *ui) login() {
	u.t.Helper()
	resp, _ := u.do("GET", "/login?token="+u.token, nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/log" {
		u.t.Fatalf("login: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if c.Name == cookiePrefix+u.port {
			u.cookie = c
		}
	}
	if u.cookie == nil {
		u.t.Fatal("login: no cookie")
	}
	_, page := u.get("/blacklist")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatal("no csrf input in the Blacklist page")
	}
	u.csrf = m[1]
}

func (u *ui) get(path string) (*http.Response, string) {
	u.t.Helper()
	return u.do("GET", path, nil, nil)
}

// post submits a form from the ui's own page.
func (u *ui) post(path string, form url.Values) (*http.Response, string) {
	u.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", u.csrf)
	}
	return u.do("POST", path, form, map[string]string{"Origin": u.base})
}

// act posts a form, expects the 303 back, and returns the flash shown
// by the page it goes back to, and whether it is an error.
func (u *ui) act(path string, form url.Values) (string, bool) {
	u.t.Helper()
	resp, body := u.post(path, form)
	if resp.StatusCode != http.StatusSeeOther {
		u.t.Fatalf("POST %s: %s %s", path, resp.Status, body)
	}
	_, page := u.get(resp.Header.Get("Location"))
	return flashOf(u.t, page)
}

var flashDiv = regexp.MustCompile(`<div id="flash" role="status"(?: class="(ok|error)")?>([^<]*)</div>`)

func flashOf(t *testing.T, page string) (string, bool) {
	t.Helper()
	m := flashDiv.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no #flash in %s", page)
	}
	return m[2], m[1] == "error"
}
