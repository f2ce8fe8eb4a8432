package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/netip"
	"sync"
)

// Bounds of the sessions' state.
const (
	maxSessions = 16   // a login beyond it forgets the oldest session
	maxIgnored  = 4096 // attackers one session hides
)

// flash is the outcome of the last action, shown once.
type flash struct {
	Text  string
	Error bool
}

// session is one browser's login: its CSRF token, its flash and the
// attackers it chose to ignore.
type session struct {
	id      string
	csrf    string
	flash   *flash
	ignored map[netip.Addr]bool
}

// sessions holds the one-time login token and the logged-in browsers.
type sessions struct {
	mu    sync.Mutex
	token string // "" once used
	byID  map[string]*session
	order []string // login order, oldest first
}

func newSessions() *sessions {
	return &sessions{token: randomToken(), byID: map[string]*session{}}
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginToken is the one-time token of the URL.
func (s *sessions) loginToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// login exchanges the one-time token for a new session; ok is false for
// a wrong or used token.
func (s *sessions) login(token string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) != 1 {
		return nil, false
	}
	s.token = ""
	se := &session{id: randomToken(), csrf: randomToken(), ignored: map[netip.Addr]bool{}}
	if len(s.order) == maxSessions {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	s.byID[se.id] = se
	s.order = append(s.order, se.id)
	return se, true
}

// get is the session of a cookie's value.
func (s *sessions) get(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.byID[id]
	return se, ok
}

// csrfOK says whether token is se's CSRF token.
func (s *sessions) csrfOK(se *session, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(se.csrf)) == 1
}

// setFlash keeps the outcome of an action for the next page.
func (s *sessions) setFlash(se *session, f flash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se.flash = &f
}

// takeFlash is the flash to show, once.
func (s *sessions) takeFlash(se *session) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := se.flash
	se.flash = nil
	return f
}

// ignore hides src's alerts from se.
func (s *sessions) ignore(se *session, src netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(se.ignored) < maxIgnored {
		se.ignored[src] = true
	}
}

// ignores says whether se hides src's alerts.
func (s *sessions) ignores(se *session, src netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return se.ignored[src]
}
