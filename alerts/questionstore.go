package alerts

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// AddQuestion records the closed question q and returns its id (q.ID is
// ignored). A zero q.Closed is now. A question without destination, ask
// time or protocol, with an unknown verdict or cause, or with a lifetime
// that does not fit its cause (answers have one, nothing else does) gives
// ErrInvalid.
func (s *Store) AddQuestion(ctx context.Context, q Question) (int64, error) {
	const op = "add question"
	w, err := s.writer(op)
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
	err = w.QueryRowContext(ctx, `INSERT INTO questions(asked, closed, uid, user, exe, dst, port, proto,
		connections, verdict, closed_by, lifetime) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		q.Asked.UnixNano(), q.Closed.UnixNano(), int64(q.UID), q.User, q.Exe, q.Dst.String(), int(q.Port), q.Proto,
		q.Connections, q.Verdict, q.By, q.Lifetime,
	).Scan(&id)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return id, nil
}

// Questions returns the questions closed in [from, to), oldest first. A
// zero from is the beginning, a zero to no end.
func (s *Store) Questions(ctx context.Context, from, to time.Time) ([]Question, error) {
	const op = "query questions"
	if err := s.check(op); err != nil {
		return nil, err
	}
	text, args := questionSelect+` WHERE closed >= ?`, []any{nanos(from)}
	if !to.IsZero() {
		text += ` AND closed < ?`
		args = append(args, to.UnixNano())
	}
	rows, err := s.r.QueryContext(ctx, text+` ORDER BY closed, id`, args...)
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

const questionSelect = `SELECT id, asked, closed, uid, user, exe, dst, port, proto, connections,
	verdict, closed_by, lifetime FROM questions`

// scanQuestion reads one row of questionSelect.
func scanQuestion(row rowScanner) (Question, error) {
	var (
		q             Question
		asked, closed int64
		uid           int64
		port          int
		dst           string
	)
	err := row.Scan(&q.ID, &asked, &closed, &uid, &q.User, &q.Exe, &dst, &port, &q.Proto, &q.Connections,
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
