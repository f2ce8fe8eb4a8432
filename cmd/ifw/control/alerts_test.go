package control

import (
	"net/url"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

// FuzzAlertQuery: no query string of GET /v1/alerts panics the parser;
// what it accepts is within bounds, and the client's rendering of an
// accepted query reads back the same.
func FuzzAlertQuery(f *testing.F) {
	f.Add("since=2026-11-21T08:00:00Z&min_level=3&src=198.51.100.7&limit=10")
	f.Add("src=2001:db8::1&limit=10000")
	f.Add("host=sensor-a&min_level=2")
	f.Add("src=198.51.100.0/24&min_level=-1&limit=0&since=yesterday")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseAlertQuery(v)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > MaxAlertLimit || q.MinLevel < 0 || q.MinLevel > signatures.MaxLevel {
			t.Fatalf("accepted out of bounds: %+v", q)
		}
		aq := AlertQuery{Since: q.Since, MinLevel: q.MinLevel, Host: q.Host, Limit: q.Limit}
		if q.Src.IsValid() {
			aq.Src = q.Src.String()
		}
		back, err := parseAlertQuery(aq.values())
		if err != nil || !back.Since.Equal(q.Since) || back.MinLevel != q.MinLevel || back.Src != q.Src || back.Host != q.Host || back.Limit != q.Limit {
			t.Fatalf("%+v rendered as %q reads back as %+v, %v", q, aq.values().Encode(), back, err)
		}
	})
}

// TestAlertQueryDefaults: an empty query lists the newest
// DefaultAlertLimit alerts of any level, source and time.
func TestAlertQueryDefaults(t *testing.T) {
	q, err := parseAlertQuery(url.Values{})
	if err != nil || q.Limit != DefaultAlertLimit || q.MinLevel != 0 || q.Src.IsValid() || !q.Since.Equal(time.Time{}) {
		t.Errorf("%+v, %v", q, err)
	}
}
