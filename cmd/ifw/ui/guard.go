package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// The HTTP side's locks (see doc.go): the headers every answer carries,
// the Host check, the session cookie, and the origin and CSRF checks of
// a state change.

const (
	// cookiePrefix + the port names the session cookie: a browser sends
	// a 127.0.0.1 cookie to every port, and two windows (two ifw ui)
	// must not overwrite each other's.
	cookiePrefix = "ifw_ui_"
	// csp allows the embedded script and stylesheet only; the report's
	// frame comes from the ui itself.
	csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	// maxForm bounds a POST's body.
	maxForm = 64 << 10
)

// origins are the names the ui answers to: its loopback addresses and
// localhost, with its port.
type origins map[string]bool

func originsOf(port int) origins {
	p := strconv.Itoa(port)
	return origins{"127.0.0.1:" + p: true, "[::1]:" + p: true, "localhost:" + p: true}
}

// sameOrigin says whether u (an Origin or Referer value) is one of the
// ui's own http origins.
func (o origins) sameOrigin(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "http" && p.User == nil && o[p.Host]
}

// cookieName is the session cookie's name, for this ui's port.
func (s *Server) cookieName() string { return cookiePrefix + strconv.Itoa(s.port) }

type sessionKey struct{}

// sessionOf is the request's session (set by guard).
func sessionOf(r *http.Request) *session {
	se, _ := r.Context().Value(sessionKey{}).(*session)
	return se
}

// guard wraps the ui's handlers with the headers and the checks.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Frame-Options", "DENY")
		if !s.peerAllowed(w, r) {
			return
		}
		if !s.origins[r.Host] {
			// Not our name: a DNS-rebinding page, or a mistake.
			http.Error(w, "ifw ui: wrong Host header", http.StatusMisdirectedRequest)
			return
		}
		if r.URL.Path == "/login" {
			next.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(s.cookieName())
		if err != nil {
			http.Error(w, "ifw ui: not logged in: open the URL `ifw ui` printed", http.StatusUnauthorized)
			return
		}
		se, ok := s.sess.get(c.Value)
		if !ok {
			http.Error(w, "ifw ui: unknown session: open the URL `ifw ui` printed", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.stateChangeOK(w, r, se) {
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, se)))
	})
}

// stateChangeOK checks a POST: it comes from one of the ui's own pages
// (Origin, or Referer without one) and carries the session's CSRF token.
func (s *Server) stateChangeOK(w http.ResponseWriter, r *http.Request, se *session) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if !s.origins.sameOrigin(from) {
		http.Error(w, "ifw ui: a change must come from the ui's own page", http.StatusForbidden)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "ifw ui: unreadable form", http.StatusBadRequest)
		return false
	}
	if !s.sess.csrfOK(se, r.PostForm.Get("csrf")) {
		http.Error(w, "ifw ui: missing or wrong CSRF token (reload the page)", http.StatusForbidden)
		return false
	}
	return true
}

// login is GET /login?token=: the one-time token becomes the session
// cookie, and the browser goes to the Log tab.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		http.Error(w, "ifw ui: no token: open the URL `ifw ui` printed", http.StatusUnauthorized)
		return
	}
	se, ok := s.sess.login(tok)
	if !ok {
		if c, err := r.Cookie(s.cookieName()); err == nil {
			if _, ok := s.sess.get(c.Value); ok { // the URL opened again in the logged-in browser
				http.Redirect(w, r, "/log", http.StatusSeeOther)
				return
			}
		}
		http.Error(w, "ifw ui: wrong or used token: run `ifw ui` again", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: se.id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/log", http.StatusSeeOther)
}
