package control

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ifw/ifw/alerts/report"
)

// maxReportPeriod bounds the period of GET /v1/report.
const maxReportPeriod = 400 * 24 * time.Hour

// reportPeriod reads from and to of GET /v1/report (RFC 3339; default:
// the 24 hours up to now).
func reportPeriod(v url.Values, now time.Time) (from, to time.Time, err error) {
	to = now
	if s := v.Get("to"); s != "" {
		if to, err = time.Parse(time.RFC3339, s); err != nil {
			return from, to, fmt.Errorf("to %q: want a time such as 2026-11-21T08:00:00Z", s)
		}
	}
	from = to.Add(-24 * time.Hour)
	if s := v.Get("from"); s != "" {
		if from, err = time.Parse(time.RFC3339, s); err != nil {
			return from, to, fmt.Errorf("from %q: want a time such as 2026-11-21T08:00:00Z", s)
		}
	}
	switch {
	case !from.Before(to):
		return from, to, fmt.Errorf("from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	case to.Sub(from) > maxReportPeriod:
		return from, to, fmt.Errorf("the period is longer than %d days", maxReportPeriod/(24*time.Hour))
	}
	return from, to, nil
}

// report is GET /v1/report: the report of a period as a self-contained
// HTML page, rendered by the daemon from its store (a user of the socket
// need not read the database).
func (s *Server) report(w http.ResponseWriter, r *http.Request, _ peer) {
	from, to, err := reportPeriod(r.URL.Query(), time.Now())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(err.Error()))
		return
	}
	rep, err := s.backend.Report(r.Context(), report.Options{From: from, To: to, Compare: true})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorBody(err.Error()))
		return
	}
	var buf bytes.Buffer
	if err := report.HTML(&buf, rep); err != nil {
		writeJSON(w, http.StatusInternalServerError, errorBody(err.Error()))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
