package alerts

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// AddQuestion records the closed question q as one of the store's host
// and returns its id (q.ID and q.Host are ignored). A zero q.Closed is now. A question without destination, ask
// time or protocol, with an unknown verdict or cause, or with a lifetime
// that does not fit its cause (answers have one, nothing else does) gives
// ErrInvalid.
func (s *Store) AddQuestion(ctx context.Context, q Question) (int64, error) {
	const op = "add question"
	w, err := s.writer(ctx, op)
	if err != nil {
		return 0, err
	}
	if !q.valid() {
		return 0, fmt.Errorf("alerts: %s: dst %v, asked %v, proto %q, connections %d, verdict %q, by %q, lifetime %q: %w",
			op, q.Dst, q.Asked, q.Proto, q.Connections, q.Verdict, q.By, q.Lifetime, ErrInvalid)
	}
	if q.Closed.IsZero() {
		q.Closed = time.Now()
	}
	var id int64
	err = w.QueryRowContext(ctx, s.d.bind(`INSERT INTO questions(host, asked, closed, uid, "user", exe, dst, port, proto,
		connections, verdict, closed_by, lifetime) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		s.cfg.Host, q.Asked.UnixNano(), q.Closed.UnixNano(), int64(q.UID), q.User, q.Exe, q.Dst.String(), int(q.Port), q.Proto,
		q.Connections, q.Verdict, q.By, q.Lifetime,
	).Scan(&id)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return id, nil
}

// Questions returns the questions of the store's host (every host's for
// a store opened without one) closed in [from, to), oldest first. A zero
// from is the beginning, a zero to no end.
func (s *Store) Questions(ctx context.Context, from, to time.Time) ([]Question, error) {
	const op = "query questions"
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	text, args := s.questionSelect()+` WHERE closed >= ?`, []any{nanos(from)}
	if !to.IsZero() {
		text += ` AND closed < ?`
		args = append(args, to.UnixNano())
	}
	if cond, arg := s.hostCond("", s.version >= schemaHosts); cond != "" {
		text, args = text+` AND `+cond, append(args, arg)
	}
	rows, err := s.r.QueryContext(ctx, s.d.bind(text+` ORDER BY closed, id`), args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	out := []Question{}
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, s.fail(op, err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// questionSelect lists the columns scanQuestion reads.
func (s *Store) questionSelect() string {
	return `SELECT id, ` + s.hostColumn() + `, asked, closed, uid, "user", exe, dst, port, proto, connections,
	verdict, closed_by, lifetime FROM questions`
}

// scanQuestion reads one row of questionSelect.
func scanQuestion(row rowScanner) (Question, error) {
	var (
		q             Question
		asked, closed int64
		uid           int64
		port          int
		dst           string
	)
	err := row.Scan(&q.ID, &q.Host, &asked, &closed, &uid, &q.User, &q.Exe, &dst, &port, &q.Proto, &q.Connections,
		&q.Verdict, &q.By, &q.Lifetime)
	if err != nil {
		return Question{}, err
	}
	if q.Dst, err = netip.ParseAddr(dst); err != nil {
		return Question{}, fmt.Errorf("question %d: dst: %w", q.ID, err)
	}
	q.Asked, q.Closed, q.UID, q.Port = fromNanos(asked), fromNanos(closed), uint32(uid), uint16(port)
	return q, nil
}
