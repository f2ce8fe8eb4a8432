package ui

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// TestTwoWindows: a browser keeps one cookie jar for 127.0.0.1 whatever
// the port; two windows (two ifw ui) logged in from it both stay logged
// in, and neither's session opens the other.
func TestTwoWindows(t *testing.T) {
	d := newFakeDaemon(t)
	a, b := startUI(t, d, 0), startUI(t, d, 0)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	get := func(u string) int {
		t.Helper()
		resp, err := browser.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // the status is what counts
		resp.Body.Close()
		return resp.StatusCode
	}
	if get(a.base+"/login?token="+a.token) != 200 || get(b.base+"/login?token="+b.token) != 200 {
		t.Fatal("login (followed to /log) failed")
	}
	if get(a.base+"/log") != 200 || get(b.base+"/outbound") != 200 {
		t.Error("a window lost its session to the other's login")
	}
}

// TestOpensTheBrowser: the URL goes to the browser opener (xdg-open in
// ifw ui) as printed.
func TestOpensTheBrowser(t *testing.T) {
	d := newFakeDaemon(t)
	pr, pw := io.Pipe()
	opened := make(chan string, 1)
	s, err := New(Config{Daemon: d, Out: pw, Open: func(_ context.Context, u string) error { opened <- u; return nil }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx); pw.Close() }()
	defer func() { cancel(); <-done }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // nothing more is written
	if got := <-opened; got != strings.TrimSpace(line) || !urlLine.MatchString(got) {
		t.Errorf("opened %q, printed %q", got, line)
	}
}
