package control

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Bounds of GET /v1/alerts: the alerts one answer lists by default and at
// most.
const (
	DefaultAlertLimit = 50
	MaxAlertLimit     = 10000
)

// maxHostQuery bounds GET /v1/alerts' host (a host name's length).
const maxHostQuery = 255

// AlertQuery is what GET /v1/alerts selects: alerts at or after Since
// (zero: any), of MinLevel or more, about Src (invalid: any), the newest
// Limit of them (0: DefaultAlertLimit).
type AlertQuery struct {
	Since    time.Time
	MinLevel int
	Src      string
	Host     string // the host that saw it (a log server's sensor); "": any
	Limit    int
	// Before pages the list: the alerts after alert Before in it (the
	// last id of the previous page); 0: from the newest.
	Before int64
}

// values is q as the query string of GET /v1/alerts.
func (q AlertQuery) values() url.Values {
	v := url.Values{}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if q.MinLevel > 0 {
		v.Set("min_level", strconv.Itoa(q.MinLevel))
	}
	if q.Src != "" {
		v.Set("src", q.Src)
	}
	if q.Host != "" {
		v.Set("host", q.Host)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Before > 0 {
		v.Set("before", strconv.FormatInt(q.Before, 10))
	}
	return v
}

// parseAlertQuery reads the query string of GET /v1/alerts, with errors
// in the user's words.
func parseAlertQuery(v url.Values) (alerts.Query, error) {
	q := alerts.Query{Limit: DefaultAlertLimit}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, fmt.Errorf("since %q: want a time such as 2026-11-21T08:00:00Z", s)
		}
		q.Since = t
	}
	if s := v.Get("min_level"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > signatures.MaxLevel {
			return q, fmt.Errorf("min level %q: want 0-%d", s, signatures.MaxLevel)
		}
		q.MinLevel = n
	}
	if s := v.Get("src"); s != "" {
		p, err := ParsePrefix(s)
		if err != nil || !p.IsSingleIP() {
			return q, fmt.Errorf("src %q: want one IP address", s)
		}
		q.Src = p.Addr()
	}
	if s := v.Get("host"); s != "" {
		if len(s) > maxHostQuery {
			return q, fmt.Errorf("host %q…: longer than %d bytes", s[:32], maxHostQuery)
		}
		q.Host = s
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxAlertLimit {
			return q, fmt.Errorf("limit %q: want 1-%d", s, MaxAlertLimit)
		}
		q.Limit = n
	}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return q, fmt.Errorf("before %q: want an alert id", s)
		}
		q.BeforeID = n
	}
	return q, nil
}

// listAlerts is GET /v1/alerts: the alert history, newest first.
func (s *Server) listAlerts(r *http.Request) (any, error) {
	q, err := parseAlertQuery(r.URL.Query())
	if err != nil {
		return nil, badRequest(err)
	}
	return s.backend.Alerts(r.Context(), q)
}

// SeenRequest is POST /v1/alerts/seen: the user saw the alerts up to
// UpTo (the management window's Log tab showed them).
type SeenRequest struct {
	UpTo int64 `json:"up_to"`
}

// Seen is what POST /v1/alerts/seen did: how many of the peer's applets
// were told (their tray icons stop asking for attention).
type Seen struct {
	Applets int `json:"applets"`
}

// markSeen is POST /v1/alerts/seen: the peer's own applets hear of it,
// nobody else's.
func (s *Server) markSeen(r *http.Request) (any, error) {
	var req SeenRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.UpTo < 0 {
		return nil, badRequest(fmt.Errorf("up_to %d: want an alert id", req.UpTo))
	}
	hub := s.backend.Hub()
	if hub == nil {
		return Seen{}, nil
	}
	return Seen{Applets: hub.Seen(peerOf(r).uid, uint64(req.UpTo))}, nil
}
