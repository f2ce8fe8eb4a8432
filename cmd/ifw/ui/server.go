package ui

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// Server is the management window's web server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	sess    *sessions
	pages   *template.Template
	origins origins
	port    int
	uid     uint32 // the ui's user: only its programs (and root's) are served
	live    *liveCount
}

// New makes a server; log may be nil. Nothing listens until Run.
func New(cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = discard()
	}
	t, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("ui: templates: %w", err)
	}
	return &Server{cfg: cfg.withDefaults(), log: log, sess: newSessions(), pages: t, uid: uint32(os.Getuid())}, nil
}

// Run listens on the loopback, prints (and opens) the login URL, and
// serves until ctx ends or no page has been open for the grace period
// after the last one closed.
func (s *Server) Run(ctx context.Context) error {
	ls, err := s.listen()
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	s.live = newLiveCount(s.cfg.Grace, stop)
	defer s.live.close()
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }, ConnContext: connContext}
	var wg sync.WaitGroup
	errs := make(chan error, len(ls))
	for _, l := range ls {
		wg.Go(func() {
			if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				errs <- err
				stop()
			}
		})
	}
	u := s.URL()
	fmt.Fprintln(s.cfg.Out, u)
	if s.cfg.Open != nil {
		wg.Go(func() {
			if err := s.cfg.Open(ctx, u); err != nil && ctx.Err() == nil {
				s.log.Warn("could not open a browser: open the URL by hand", "err", err)
			}
		})
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx) // the event streams end with ctx
	wg.Wait()
	close(errs)
	return <-errs // nil when none
}

// listen opens the IPv4 loopback listener and, on the same port, the
// IPv6 one when the host has ::1.
func (s *Server) listen() ([]net.Listener, error) {
	l4, err := net.Listen("tcp4", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("ui: listen: %w", err)
	}
	s.port = l4.Addr().(*net.TCPAddr).Port
	s.origins = originsOf(s.port)
	ls := []net.Listener{l4}
	if l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(s.port))); err == nil {
		ls = append(ls, l6)
	} else {
		s.log.Debug("not listening on [::1]", "err", err)
	}
	return ls, nil
}

// URL is the login URL with the one-time token.
func (s *Server) URL() string {
	return "http://127.0.0.1:" + strconv.Itoa(s.port) + "/login?token=" + s.sess.loginToken()
}

// Handler is the ui's whole HTTP side, behind its guard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.login)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/log", http.StatusSeeOther)
	})
	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("GET /events", s.events)
	for _, p := range s.pageRoutes() {
		mux.HandleFunc("GET "+p.path, s.page(p))
	}
	for path, act := range s.actions() {
		mux.HandleFunc("POST "+path, s.act(act))
	}
	mux.HandleFunc("GET /reports/html", s.reportHTML)
	mux.HandleFunc("POST /log/seen", s.seen)
	return s.guard(mux)
}
