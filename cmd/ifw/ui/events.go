package ui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// events is GET /events: the daemon's event stream for one open page,
// as server-sent events. An alert comes as its row's HTML (event
// "alert"); any other kind as event "changed" with the kind, for the page
// to fetch its lists again ("all" after lost events). The answer starts
// once the daemon's stream is connected: the page's EventSource opens
// only then.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	se := sessionOf(r)
	s.live.open()
	defer s.live.closed()
	started := false
	var dropped uint64
	err := s.cfg.Daemon.Stream(r.Context(), func(ev control.StreamEvent) {
		if !started {
			started = true
			h := w.Header()
			h.Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, "retry: 3000\n\n")
		}
		if ev.Dropped > dropped {
			dropped = ev.Dropped
			writeEvent(w, "changed", "all")
		}
		switch ev.Kind {
		case control.StreamHello:
			writeEvent(w, "hello", "connected")
		case control.StreamPing: // the daemon's heartbeat: a comment keeps the browser's connection alive
			io.WriteString(w, ": ping\n\n") //nolint:errcheck // as below
		case control.StreamAlert:
			if ev.Alert != nil && !s.sess.ignores(se, ev.Alert.Src) {
				var b bytes.Buffer
				if err := s.pages.ExecuteTemplate(&b, "alertrow", rowOf(*ev.Alert, se.csrf)); err != nil {
					s.log.Warn("alert row", "err", err)
					return
				}
				writeEvent(w, "alert", b.String())
			}
			writeEvent(w, "changed", "alert")
		default:
			writeEvent(w, "changed", ev.Kind)
		}
		http.NewResponseController(w).Flush() //nolint:errcheck // a gone browser ends r's context
	})
	if !started {
		http.Error(w, "ifw ui: the daemon's event stream: "+errText(err), http.StatusBadGateway)
		return
	}
	if err != nil && r.Context().Err() == nil {
		s.log.Info("the daemon's event stream ended", "err", err)
	}
}

// writeEvent writes one server-sent event; data may span lines.
func writeEvent(w io.Writer, name, data string) {
	var b strings.Builder
	b.WriteString("event: " + name + "\n")
	// A lone CR ends a line too: a hostile string could start a field.
	data = strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\r", "\n")
	for line := range strings.Lines(data) {
		b.WriteString("data: " + strings.TrimSuffix(line, "\n") + "\n")
	}
	if data == "" {
		b.WriteString("data:\n")
	}
	b.WriteString("\n")
	io.WriteString(w, b.String()) //nolint:errcheck // as above
}

// errText is err's text for the user, "ended" for none.
func errText(err error) string {
	if err == nil {
		return "ended"
	}
	return err.Error()
}
