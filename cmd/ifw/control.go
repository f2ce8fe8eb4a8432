package main

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
	"os/user"
	"path/filepath"
	"strconv"
	"time"
)

// controlServer is the daemon's HTTP+JSON API on a unix socket.
type controlServer struct {
	path  string
	group string
	auth  authorizer
	mux   *http.ServeMux
	log   *slog.Logger
}

func newControlServer(path, group string, log *slog.Logger) *controlServer {
	return &controlServer{path: path, group: group, auth: newAuthorizer(group), mux: http.NewServeMux(), log: log}
}

// handle registers a JSON endpoint; f returns the value to encode.
func (s *controlServer) handle(pattern string, f func(r *http.Request) (any, error)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.allow(r); err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": err.Error()})
			return
		}
		v, err := f(r)
		if err != nil {
			code := http.StatusInternalServerError
			var he *httpError
			if errors.As(err, &he) {
				code = he.code
			}
			writeJSON(w, code, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

// stream registers a handler that writes its own (streamed) response,
// after the same peer check as handle.
func (s *controlServer) stream(pattern string, f func(http.ResponseWriter, *http.Request, peer)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.allow(r); err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": err.Error()})
			return
		}
		p, _ := r.Context().Value(peerKey{}).(peer)
		f(w, r, p)
	})
}

// httpError is an error with the status code the client should see.
type httpError struct {
	code int
	err  error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// badRequest marks err as the client's mistake.
func badRequest(err error) error { return &httpError{code: http.StatusBadRequest, err: err} }

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
	_ = enc.Encode(newListFiller().fill(v))
}

// run listens until ctx ends, then removes the socket.
func (s *controlServer) run(ctx context.Context) error {
	l, err := s.listen()
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.mux, ConnContext: peerContext, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	err = srv.Serve(l)
	_ = os.Remove(s.path)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("control socket: %w", err)
}

// listen makes the socket root:GROUP 0660 (root only, 0600, without the group).
func (s *controlServer) listen() (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := removeStaleSocket(s.path); err != nil {
		return nil, err
	}
	l, err := net.Listen("unix", s.path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mode := os.FileMode(0o600)
	if g, err := user.LookupGroup(s.group); err == nil {
		gid, _ := strconv.Atoi(g.Gid)
		if err := os.Chown(s.path, 0, gid); err == nil {
			mode = 0o660
		}
	} else {
		s.log.Warn("control socket group not found; socket is root-only", "group", s.group)
	}
	if err := os.Chmod(s.path, mode); err != nil {
		l.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return l, nil
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
