package ui

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLoginAndGuards: the one-time token becomes the session cookie;
// without it, with a wrong one, with a foreign Host, a foreign Origin or
// a missing or wrong CSRF token, nothing is served or changed.
func TestLoginAndGuards(t *testing.T) {
	d := newFakeDaemon(t)
	u := startUI(t, d, 0)

	if resp, _ := u.get("/log"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no cookie: %s", resp.Status)
	}
	if resp, _ := u.get("/static/ui.js"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("script without cookie: %s", resp.Status)
	}
	if resp, _ := u.get("/login"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("login without token: %s", resp.Status)
	}
	if resp, _ := u.get("/login?token=" + strings.Repeat("A", 43)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %s", resp.Status)
	}
	if resp, _ := u.do("GET", "/login?token="+u.token, nil, map[string]string{"Host": "attacker.example:" + u.port}); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("login with a rebinding Host: %s", resp.Status)
	}

	resp, _ := u.get("/login?token=" + u.token)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/log" {
		t.Fatalf("login: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{cookiePrefix + u.port + "=", "Path=/", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(sc, want) {
			t.Errorf("cookie %q: no %s", sc, want)
		}
	}
	u.cookie = resp.Cookies()[0]
	if resp, _ := u.do("GET", "/login?token="+u.token, nil, map[string]string{"Cookie": ""}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token used twice: %s", resp.Status)
	}
	// The URL opened again in the browser that logged in: back to the Log.
	if resp, _ := u.get("/login?token=" + u.token); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/log" {
		t.Errorf("the URL again with the session: %s", resp.Status)
	}

	resp, page := u.get("/log")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<table id="alerts"`) {
		t.Fatalf("log: %s %s", resp.Status, page)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	for _, host := range []string{"localhost:" + u.port, "[::1]:" + u.port} {
		if resp, _ := u.do("GET", "/log", nil, map[string]string{"Host": host}); resp.StatusCode != http.StatusOK {
			t.Errorf("Host %s: %s", host, resp.Status)
		}
	}
	for _, host := range []string{"attacker.example:" + u.port, "127.0.0.1", "127.0.0.1:1", "localhost.attacker.example:" + u.port} {
		if resp, _ := u.do("GET", "/log", nil, map[string]string{"Host": host}); resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %s", host, resp.Status)
		}
	}
	// Over IPv6 too (when the host has ::1): the owner of a [::1]
	// connection is found in /proc/net/tcp6.
	if c, err := net.Dial("tcp6", "[::1]:"+u.port); err == nil {
		c.Close()
		v6 := *u
		v6.base = "http://[::1]:" + u.port
		if resp, _ := v6.get("/log"); resp.StatusCode != http.StatusOK {
			t.Errorf("over [::1]: %s", resp.Status)
		}
	}
	good := u.cookie
	u.cookie = &http.Cookie{Name: cookiePrefix + u.port, Value: strings.Repeat("x", 43)}
	if resp, _ := u.get("/log"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unknown session: %s", resp.Status)
	}
	u.cookie = good
	u.login2()

	form := func() url.Values {
		return url.Values{"prefix": {"198.51.100.7"}, "for": {"2h"}, "reason": {"test"}, "csrf": {u.csrf}}
	}
	for name, c := range map[string]struct {
		hdr  map[string]string
		form url.Values
	}{
		"foreign Origin":         {map[string]string{"Origin": "http://attacker.example"}, form()},
		"Origin of another port": {map[string]string{"Origin": "http://127.0.0.1:1"}, form()},
		"null Origin":            {map[string]string{"Origin": "null"}, form()},
		"foreign Referer":        {map[string]string{"Referer": "http://attacker.example/x"}, form()},
		"no Origin, no Referer":  {map[string]string{}, form()},
		"no CSRF token":          {map[string]string{"Origin": u.base}, url.Values{"prefix": {"198.51.100.7"}}},
		"wrong CSRF token":       {map[string]string{"Origin": u.base}, url.Values{"prefix": {"198.51.100.7"}, "csrf": {u.csrf + "x"}}},
	} {
		if resp, _ := u.do("POST", "/blacklist/block", c.form, c.hdr); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %s", name, resp.Status)
		}
	}
	if list, err := d.Blocks(t.Context()); err != nil || len(list) != 1 {
		t.Fatalf("a refused request blocked: %v, %v", list, err)
	}
	// The Referer of the ui's own page is enough when there is no Origin.
	if resp, body := u.do("POST", "/blacklist/block", form(), map[string]string{"Referer": u.base + "/blacklist"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("own Referer: %s %s", resp.Status, body)
	}
	if list, err := d.Blocks(t.Context()); err != nil || len(list) != 2 {
		t.Errorf("blocks %v, %v", list, err)
	}
	u.cookie = nil
	if resp, _ := u.do("POST", "/blacklist/block", form(), map[string]string{"Origin": u.base}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST without cookie: %s", resp.Status)
	}
}

// login2 reads the CSRF token once logged in.
func (u *ui) login2() {
	u.t.Helper()
	_, page := u.get("/blacklist")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatal("no csrf input")
	}
	u.csrf = m[1]
}
