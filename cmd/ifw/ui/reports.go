package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// maxReport bounds a report the ui holds before sending it.
const maxReport = 32 << 20

// reportCSP lets the daemon's report page (inline styles and SVG charts,
// no script) show in the Reports tab's frame, sandboxed.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; " +
	"base-uri 'none'; form-action 'none'; sandbox"

type reportsView struct {
	From, To string // the form's values
	Src      string // the frame's URL
}

func (s *Server) loadReports(_ context.Context, r *http.Request, _ *session) (any, error) {
	q := r.URL.Query()
	from, to, err := parsePeriod(q.Get("from"), q.Get("to"), time.Now())
	v := reportsView{From: from.Local().Format(reportLayout), To: to.Local().Format(reportLayout)}
	if err != nil {
		return v, err
	}
	v.Src = "/reports/html?" + url.Values{"from": {from.UTC().Format(time.RFC3339)}, "to": {to.UTC().Format(time.RFC3339)}}.Encode()
	return v, nil
}

// reportHTML is GET /reports/html?from=&to=: the daemon's HTML report of
// the period, for the Reports tab's frame.
func (s *Server) reportHTML(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, to, err := parsePeriod(q.Get("from"), q.Get("to"), time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var b limitedBuffer
	b.max = maxReport
	if err := s.cfg.Daemon.Report(r.Context(), from, to, &b); err != nil {
		http.Error(w, "ifw ui: the report: "+err.Error(), http.StatusBadGateway)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", reportCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes()) //nolint:errcheck // a gone browser
}

// limitedBuffer refuses to grow past max.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

var errTooBig = errors.New("the report is too big")

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, fmt.Errorf("%w (over %d MiB)", errTooBig, b.max>>20)
	}
	return b.Buffer.Write(p)
}
