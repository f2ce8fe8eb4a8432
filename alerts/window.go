package alerts

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/signatures"
)

// migrationWindows (schema 4) adds the attackers' scan windows with their
// packet counts (signatures.Window): alerts are raised when an attacker's
// picture changes, so its latest alert may count far fewer packets than
// it sent. The daemon writes the windows of the attackers it saw lately
// each time it saves its state; reports read the counts back. A window is
// its source and its first packet (Unix nanoseconds).
const migrationWindows = `CREATE TABLE windows (
		src        TEXT    NOT NULL,
		first_seen INTEGER NOT NULL,
		last_seen  INTEGER NOT NULL,
		packets    INTEGER NOT NULL,
		level      INTEGER NOT NULL,
		PRIMARY KEY (src, first_seen)
	) WITHOUT ROWID;
	CREATE INDEX windows_last ON windows(last_seen);`

// PutWindows records the windows, in one transaction: a window already
// stored keeps the largest of its counts and the latest of its last
// packets (a count never goes back). Windows without a source or a first
// packet give ErrInvalid and nothing is stored.
func (s *Store) PutWindows(ctx context.Context, ws []signatures.Window) error {
	const op = "put windows"
	w, err := s.writer(ctx, op)
	if err != nil || len(ws) == 0 {
		return err
	}
	for _, win := range ws {
		if !win.Src.IsValid() || win.FirstSeen.IsZero() || win.Packets < 0 {
			return fmt.Errorf("alerts: %s: source %v, first seen %v, %d packets: %w", op, win.Src, win.FirstSeen, win.Packets, ErrInvalid)
		}
	}
	tx, err := begin(ctx, w)
	if err != nil {
		return s.fail(op, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	d := s.d
	st, err := tx.PrepareContext(ctx, d.bind(`INSERT INTO windows(host, src, first_seen, last_seen, packets, level) VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(host, src, first_seen) DO UPDATE SET last_seen = `+d.greatest("windows.last_seen", "excluded.last_seen")+`,
			packets = `+d.greatest("windows.packets", "excluded.packets")+`, level = `+d.greatest("windows.level", "excluded.level")))
	if err != nil {
		return s.fail(op, err)
	}
	defer st.Close()
	for _, win := range ws {
		if _, err := st.ExecContext(ctx, s.cfg.Host, win.Src.String(), nanos(win.FirstSeen), nanos(win.LastSeen), win.Packets, win.Level); err != nil {
			return s.fail(op, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// schemaWindows is the schema version that has the windows table.
const schemaWindows = 4

// Windows returns the windows whose last packet counted so far falls in
// [from, to), so that their counts hold no packet after to; by source,
// then first packet. A database opened read-only before the daemon
// migrated it has none.
func (s *Store) Windows(ctx context.Context, from, to time.Time) ([]signatures.Window, error) {
	const op = "query windows"
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	if s.version < schemaWindows {
		return []signatures.Window{}, nil
	}
	text, args := `SELECT src, first_seen, last_seen, packets, level FROM windows
		WHERE last_seen >= ? AND last_seen < ?`, []any{nanos(from), to.UnixNano()}
	if cond, arg := s.hostCond("", s.version >= schemaHosts); cond != "" {
		text, args = text+` AND `+cond, append(args, arg)
	}
	rows, err := s.r.QueryContext(ctx, s.d.bind(text+` ORDER BY src, first_seen`), args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	out := []signatures.Window{}
	for rows.Next() {
		var (
			w           signatures.Window
			src         string
			first, last int64
		)
		if err := rows.Scan(&src, &first, &last, &w.Packets, &w.Level); err != nil {
			return nil, s.fail(op, err)
		}
		if w.Src, err = netip.ParseAddr(src); err != nil {
			return nil, s.fail(op, fmt.Errorf("window of %q: %w", src, err))
		}
		w.FirstSeen, w.LastSeen = fromNanos(first), fromNanos(last)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}
