package alerts

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/signatures"
)

// nanos is t as stored: Unix nanoseconds, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos reads what nanos stores, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// jsonList encodes a list column; nil is stored as [].
func jsonList[T any](l []T) (string, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// alertColumns are the values of an alert row, in column order after id.
func alertColumns(a *Alert) ([]any, error) {
	dsts, err := jsonList(a.Destinations)
	if err != nil {
		return nil, err
	}
	scans, err := jsonList(a.Scans)
	if err != nil {
		return nil, err
	}
	sigs, err := jsonList(a.Signatures)
	if err != nil {
		return nil, err
	}
	ports, err := jsonList(a.Ports)
	if err != nil {
		return nil, err
	}
	return []any{
		nanos(a.Time), a.Host, a.Src.String(), a.Level, a.PrevLevel, a.Reasons, a.Packets,
		nanos(a.FirstSeen), nanos(a.LastSeen), a.DestinationCount, dsts, scans, sigs,
		a.OS, a.Tool, boolInt(a.Trusted), a.Collector, ports, a.UID,
	}, nil
}

// boolInt is b as stored: 1 or 0 (an INTEGER column on both databases).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// alertSelect lists the columns scanRow reads, the outcomes as a JSON array
// in the order they were added, from a database of schema version v: one
// older than schemaPorts (opened read-only) has no port list, one older
// than schemaHosts no uid.
func alertSelect(d dialect, v int) string {
	ports, uid := "ports", "uid"
	if v < schemaPorts {
		ports = "'[]'"
	}
	if v < schemaHosts {
		uid = "NULL"
	}
	return `SELECT id, time, host, src, level, prev_level, reasons, packets,
	first_seen, last_seen, destination_count, destinations, scans, signatures,
	os, tool, trusted, collector, ` + ports + `, ` + uid + `,
	` + d.outcomesJSON() + `
	FROM alerts`
}

type rowScanner interface{ Scan(dest ...any) error }

// scanRow reads one row of alertSelect.
func scanRow(row rowScanner) (Alert, error) {
	var (
		a                                           Alert
		t, first, last                              int64
		src, dsts, scans, sigs, ports, outcomesJSON string
		uid                                         sql.NullString
	)
	err := row.Scan(&a.ID, &t, &a.Host, &src, &a.Level, &a.PrevLevel, &a.Reasons, &a.Packets,
		&first, &last, &a.DestinationCount, &dsts, &scans, &sigs,
		&a.OS, &a.Tool, &a.Trusted, &a.Collector, &ports, &uid, &outcomesJSON)
	if err != nil {
		return Alert{}, err
	}
	a.UID = uid.String
	a.Time, a.FirstSeen, a.LastSeen = fromNanos(t), fromNanos(first), fromNanos(last)
	if a.Src, err = netip.ParseAddr(src); err != nil {
		return Alert{}, fmt.Errorf("alert %d: src: %w", a.ID, err)
	}
	a.Destinations, a.Scans, a.Signatures, a.Ports = []netip.Addr{}, []signatures.Scan{}, []signatures.SigHit{}, []signatures.PortHit{}
	for _, c := range []struct {
		name string
		text string
		into any
	}{{"destinations", dsts, &a.Destinations}, {"scans", scans, &a.Scans}, {"signatures", sigs, &a.Signatures},
		{"ports", ports, &a.Ports}} {
		if err := json.Unmarshal([]byte(c.text), c.into); err != nil {
			return Alert{}, fmt.Errorf("alert %d: %s: %w", a.ID, c.name, err)
		}
	}
	a.Outcomes, err = decodeOutcomes(outcomesJSON)
	if err != nil {
		return Alert{}, fmt.Errorf("alert %d: outcomes: %w", a.ID, err)
	}
	return a, nil
}

func decodeOutcomes(text string) ([]Outcome, error) {
	var rows []struct {
		Action string `json:"action"`
		Time   int64  `json:"time"`
		OK     int    `json:"ok"`
		Error  string `json:"error"`
	}
	if err := json.Unmarshal([]byte(text), &rows); err != nil {
		return nil, err
	}
	out := make([]Outcome, len(rows))
	for i, r := range rows {
		out[i] = Outcome{Action: r.Action, Time: fromNanos(r.Time), OK: r.OK != 0, Error: r.Error}
	}
	return out, nil
}
