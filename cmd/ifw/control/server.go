package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/cmd/ifw/jsonlists"
	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources/userdb"
)

// Time bounds of a control-socket request: its header, its whole body,
// an idle kept-alive connection, writing an answer (the event stream sets
// its own per event).
const (
	controlHeaderTimeout = 5 * time.Second
	controlReadTimeout   = 10 * time.Second
	controlIdleTimeout   = 60 * time.Second
	controlWriteTimeout  = 30 * time.Second
	controlMaxHeader     = 64 << 10
)

// DefaultSocket is where the daemon listens, and its clients call,
// unless told otherwise (defined once, with ifw.conf's defaults).
const DefaultSocket = config.DefaultSocket

// Config is what the server needs.
type Config struct {
	// Path is the socket's path; its directory must be writable by root
	// only (checked at Run).
	Path string
	// Group may use the socket besides root (0660 root:Group); without
	// such a group the socket is root's only.
	Group string
	// Authority answers polkit checks for non-root peers; nil: nothing
	// that needs a polkit action is allowed to them.
	Authority Authority
	// Feed is what GET /v1/stream streams; nil: the route answers 503.
	// The server publishes to it what its own routes change.
	Feed *Feed
	// MaxConns and MaxConnsPerUID bound the open connections (0: the
	// defaults); root is never refused.
	MaxConns, MaxConnsPerUID int
}

// Validate checks c without I/O.
func (c Config) Validate() error {
	if c.Path == "" {
		return errors.New("control: no socket path")
	}
	if c.MaxConns < 0 || c.MaxConnsPerUID < 0 {
		return errors.New("control: negative connection bounds")
	}
	return nil
}

// Server is the daemon's HTTP+JSON API on a unix socket.
type Server struct {
	path    string
	group   string
	backend Backend
	feed    *Feed
	auth    authorizer
	gate    gate // polkit, for non-root peers (authz.go)
	mux     *http.ServeMux
	log     *slog.Logger
	// Connection bounds (see peerListener) and the body read timeout;
	// tests lower them.
	maxConns, maxConnsPerUID int
	readTimeout              time.Duration

	ready chan struct{} // closed once the listener is set
	pl    *peerListener
}

// New makes the server of backend's API; nothing is opened until Run.
func New(cfg Config, backend Backend, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := newServer(cfg.Path, cfg.Group, log)
	s.backend = backend
	s.feed = cfg.Feed
	s.gate.auth = cfg.Authority
	if cfg.MaxConns > 0 {
		s.maxConns = cfg.MaxConns
	}
	if cfg.MaxConnsPerUID > 0 {
		s.maxConnsPerUID = cfg.MaxConnsPerUID
	}
	for _, rt := range s.routes() {
		s.register(rt)
	}
	return s, nil
}

// newServer makes a server without routes.
func newServer(path, group string, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{path: path, group: group, auth: newAuthorizer(group), gate: gate{log: log}, mux: http.NewServeMux(), log: log,
		maxConns: defaultMaxConns, maxConnsPerUID: defaultMaxConnsPerUID, readTimeout: controlReadTimeout,
		ready: make(chan struct{})}
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// ConnStats returns the connection counters (zero before the socket is
// listening).
func (s *Server) ConnStats() ConnStats {
	select {
	case <-s.ready:
		return s.pl.stats()
	default:
		return ConnStats{Max: s.maxConns, MaxPerUID: s.maxConnsPerUID}
	}
}

// register adds rt to the mux.
func (s *Server) register(rt route) {
	if rt.stream != nil {
		s.stream(rt.pattern, rt.need, rt.stream)
		return
	}
	s.handle(rt.pattern, rt.need, s.publishing(rt.changes, rt.handle))
}

// publishing is f, telling the feed that the list kind changed after
// each success. Outbound questions are per uid: only the peer's own
// streams (and those that see every uid's) are told; the daemon tells
// the owner of a question answered by another.
func (s *Server) publishing(kind string, f func(r *http.Request) (any, error)) func(r *http.Request) (any, error) {
	if kind == "" {
		return f
	}
	return func(r *http.Request) (any, error) {
		v, err := f(r)
		if err == nil {
			if kind == StreamQueue {
				s.feed.ChangedFor(kind, peerOf(r).uid)
			} else {
				s.feed.Changed(kind)
			}
		}
		return v, err
	}
}

// handle registers a JSON endpoint; f returns the value to encode.
func (s *Server) handle(pattern, need string, f func(r *http.Request) (any, error)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.allow(r); err != nil {
			writeJSON(w, http.StatusForbidden, errorBody(err.Error()))
			return
		}
		s.gate.awaitPrompt(w, r, need)
		if err := s.gate.require(r, need); err != nil {
			writeJSON(w, http.StatusForbidden, errorBody(err.Error()))
			return
		}
		v, err := f(r)
		if err != nil {
			code := http.StatusInternalServerError
			var he *httpError
			if errors.As(err, &he) {
				code = he.code
			}
			writeJSON(w, code, errorBody(err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

// stream registers a handler that writes its own (streamed) response,
// after the same peer check as handle. The request, without a body, has
// been read whole: the read timeout, meant for slow bodies, is lifted so
// that it does not end the stream.
func (s *Server) stream(pattern, need string, f func(http.ResponseWriter, *http.Request, peer)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.allow(r); err != nil {
			writeJSON(w, http.StatusForbidden, errorBody(err.Error()))
			return
		}
		if err := s.gate.require(r, need); err != nil {
			writeJSON(w, http.StatusForbidden, errorBody(err.Error()))
			return
		}
		if r.ContentLength != 0 {
			writeJSON(w, http.StatusBadRequest, errorBody("a stream request has no body"))
			return
		}
		if err := http.NewResponseController(w).SetReadDeadline(time.Time{}); err != nil {
			writeJSON(w, http.StatusInternalServerError, errorBody(err.Error()))
			return
		}
		f(w, r, peerOf(r))
	})
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func errorBody(msg string) apiError { return apiError{Error: msg} }

// decodeBody reads a JSON request body (at most 1 MiB) into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(fmt.Errorf("request body: %w", err))
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(jsonlists.Fill(v))
}

// Run listens until ctx ends, then removes the socket.
func (s *Server) Run(ctx context.Context) error {
	l, err := s.listen()
	if err != nil {
		return err
	}
	s.pl = newPeerListener(l, s.maxConns, s.maxConnsPerUID, s.log)
	close(s.ready)
	srv := &http.Server{Handler: s.mux, ConnContext: peerContext, ReadHeaderTimeout: controlHeaderTimeout,
		ReadTimeout: s.readTimeout, IdleTimeout: controlIdleTimeout, WriteTimeout: controlWriteTimeout,
		MaxHeaderBytes: controlMaxHeader, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	err = srv.Serve(s.pl)
	_ = os.Remove(s.path)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("control socket: %w", err)
}

// listen makes the socket root:GROUP 0660 (root only, 0600, without the
// group) before anyone can reach it: it is bound in a private directory
// (0700) next to its path, given its owner and mode there, then renamed
// into place. The directory it lives in must be one no other user can
// write to, or the path could be swapped under the daemon.
func (s *Server) listen() (*net.UnixListener, error) {
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := checkSocketDir(dir); err != nil {
		return nil, err
	}
	if err := removeStaleSocket(s.path); err != nil {
		return nil, err
	}
	private, err := os.MkdirTemp(dir, ".ifw-")
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	defer os.RemoveAll(private)
	tmp := filepath.Join(private, "s")
	if len(tmp) >= len(unix.RawSockaddrUnix{}.Path) {
		return nil, fmt.Errorf("control socket %s: the directory's path is too long for a socket (%d bytes)", s.path, len(dir))
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", s.path, err)
	}
	l.SetUnlinkOnClose(false) // run removes s.path
	err = s.setOwner(tmp)
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return l, nil
}

// setOwner gives the socket at path (in the private directory) its group
// and mode.
func (s *Server) setOwner(path string) error {
	mode := os.FileMode(0o600)
	if g, err := userdb.LookupGroup(s.group); err == nil {
		gid, _ := strconv.Atoi(g.Gid)
		if err := os.Chown(path, 0, gid); err == nil {
			mode = 0o660
		}
	} else {
		s.log.Warn("control socket group not found; socket is root-only", "group", s.group)
	}
	return os.Chmod(path, mode)
}

// errSocketDir: the socket's directory, or one above it, can be written
// by another user.
var errSocketDir = errors.New("control socket directory is not safe")

// checkSocketDir checks dir and every directory above it: each belongs to
// root or the daemon's user, and no other user may rename or remove its
// entries (not writable by group or others, or sticky).
func checkSocketDir(dir string) error {
	euid := uint32(os.Geteuid())
	for d := dir; ; d = filepath.Dir(d) {
		var st unix.Stat_t
		if err := unix.Stat(d, &st); err != nil {
			return fmt.Errorf("control socket directory %s: %w", d, err)
		}
		mode := st.Mode
		switch {
		case st.Uid != 0 && st.Uid != euid:
			return fmt.Errorf("%w: %s belongs to uid %d", errSocketDir, d, st.Uid)
		case mode&0o022 != 0 && mode&unix.S_ISVTX == 0:
			return fmt.Errorf("%w: %s is writable by other users (mode %04o)", errSocketDir, d, mode&0o7777)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// removeStaleSocket removes a socket file nobody listens on; a live one
// means another daemon runs.
func removeStaleSocket(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("control socket %s: another ifw daemon is running", path)
	}
	return os.Remove(path)
}
