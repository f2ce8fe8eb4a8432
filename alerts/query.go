package alerts

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
)

// Query selects alerts. Zero fields select everything.
type Query struct {
	Since    time.Time  // alerts at or after Since
	Until    time.Time  // alerts before Until
	MinLevel int        // alerts of this level or more
	Src      netip.Addr // alerts about this source (invalid: any)
	Limit    int        // at most this many, newest first (0: no limit)
	// Host selects the alerts of this host; "" (or AllHosts) every host's.
	// Alerts carry the host that logged the packets, which in log-server
	// mode is not the Store's own: unlike blocks, alerts are not read for
	// the Store's host alone.
	Host string
	// BeforeID pages the newest-first list: only alerts that come after
	// alert BeforeID in it (older, or as old with a smaller id); 0: from
	// the newest. An id no longer stored selects nothing.
	BeforeID int64
}

// where renders q as a WHERE clause and its arguments; host is the host
// it selects ("": every host).
func (q Query) where(host string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if host != "" {
		add("host = ?", host)
	}
	if q.Src.IsValid() {
		add("src = ?", q.Src.String())
	}
	if !q.Since.IsZero() {
		add("time >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		add("time < ?", q.Until.UnixNano())
	}
	if q.MinLevel > 0 {
		add("level >= ?", q.MinLevel)
	}
	if q.BeforeID > 0 {
		add("(time, id) < (SELECT time, id FROM alerts WHERE id = ?)", q.BeforeID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Alerts returns the alerts q selects, newest first, with their outcomes.
func (s *Store) Alerts(ctx context.Context, q Query) ([]Alert, error) {
	const op = "query alerts"
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	where, args := q.where(s.hostOf(cmp.Or(q.Host, AllHosts)))
	text := alertSelect(s.d, s.version) + where + " ORDER BY time DESC, id DESC"
	if q.Limit > 0 {
		text += " LIMIT ?"
		args = append(args, q.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.bind(text), args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		a, err := scanRow(rows)
		if err != nil {
			return nil, s.fail(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// Latest returns the newest alert about src.
func (s *Store) Latest(ctx context.Context, src netip.Addr) (Alert, bool, error) {
	if !src.IsValid() {
		return Alert{}, false, nil
	}
	as, err := s.Alerts(ctx, Query{Src: src, Limit: 1})
	if err != nil || len(as) == 0 {
		return Alert{}, false, err
	}
	return as[0], true, nil
}

// State returns the value stored under key for the store's host.
func (s *Store) State(ctx context.Context, key string) ([]byte, bool, error) {
	const op = "read state"
	if err := s.check(ctx, op); err != nil {
		return nil, false, err
	}
	var v []byte
	err := s.r.QueryRowContext(ctx, s.d.bind(`SELECT value FROM state WHERE host = ? AND key = ?`), s.cfg.Host, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, s.fail(op+" "+key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

// Counts sums up the alerts since a time, for status.
type Counts struct {
	Total   int                          `json:"total"`
	ByLevel [signatures.MaxLevel + 1]int `json:"by_level"` // index: level
	Sources int                          `json:"sources"`  // distinct source addresses
	Latest  time.Time                    `json:"latest"`   // the newest alert's time
}

// Counts counts the alerts at or after since (zero: all), of every host.
func (s *Store) Counts(ctx context.Context, since time.Time) (Counts, error) {
	const op = "count alerts"
	if err := s.check(ctx, op); err != nil {
		return Counts{}, err
	}
	var c Counts
	var latest sql.NullInt64
	where, args := ` WHERE time >= ?`, []any{nanos(since)}
	err := s.r.QueryRowContext(ctx, s.d.bind(`SELECT COUNT(*), COUNT(DISTINCT src), MAX(time) FROM alerts`+where),
		args...).Scan(&c.Total, &c.Sources, &latest)
	if err != nil {
		return Counts{}, s.fail(op, err)
	}
	c.Latest = fromNanos(latest.Int64)
	rows, err := s.r.QueryContext(ctx, s.d.bind(`SELECT level, COUNT(*) FROM alerts`+where+` GROUP BY level`), args...)
	if err != nil {
		return Counts{}, s.fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var level, n int
		if err := rows.Scan(&level, &n); err != nil {
			return Counts{}, s.fail(op, err)
		}
		c.ByLevel[min(max(level, 0), signatures.MaxLevel)] += n
	}
	if err := rows.Err(); err != nil {
		return Counts{}, s.fail(op, err)
	}
	return c, nil
}
