package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
)

// ErrNotBlocked: RemoveBlock of a prefix without an active block.
var ErrNotBlocked = errors.New("no active block")

// AddBlock records b and returns its id. Re-blocking a prefix that has an
// active block updates that block (reason, level, source, expiry; its id
// and creation time stay) instead of adding a second one. A zero
// b.Created is now. b.Family is taken from b.Prefix.
func (s *Store) AddBlock(ctx context.Context, b Block) (int64, error) {
	const op = "add block"
	w, err := s.writer(op)
	if err != nil {
		return 0, err
	}
	if !b.Prefix.IsValid() || b.Level < 0 || b.Level > signatures.MaxLevel || !b.Source.Valid() {
		return 0, fmt.Errorf("alerts: %s: prefix %v, level %d, source %q: %w", op, b.Prefix, b.Level, b.Source, ErrInvalid)
	}
	if b.Created.IsZero() {
		b.Created = time.Now()
	}
	p := b.Prefix.Masked()
	var id int64
	err = w.QueryRowContext(ctx, `INSERT INTO blocks(prefix, family, reason, level, source, created, expires)
		VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(prefix) WHERE removed IS NULL DO UPDATE SET
			reason = excluded.reason, level = excluded.level,
			source = excluded.source, expires = excluded.expires
		RETURNING id`,
		p.String(), family(p), b.Reason, b.Level, string(b.Source), b.Created.UnixNano(), nullNanos(b.Expires),
	).Scan(&id)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return id, nil
}

// RemoveBlock ends the active block of prefix at at (zero: now), for why.
// A prefix without an active block gives ErrNotBlocked.
func (s *Store) RemoveBlock(ctx context.Context, prefix netip.Prefix, why RemovedWhy, at time.Time) error {
	const op = "remove block"
	w, err := s.writer(op)
	if err != nil {
		return err
	}
	if !prefix.IsValid() || !why.Valid() {
		return fmt.Errorf("alerts: %s: prefix %v, why %q: %w", op, prefix, why, ErrInvalid)
	}
	if at.IsZero() {
		at = time.Now()
	}
	res, err := w.ExecContext(ctx, `UPDATE blocks SET removed = ?, removed_why = ? WHERE prefix = ? AND removed IS NULL`,
		at.UnixNano(), string(why), prefix.Masked().String())
	if err != nil {
		return s.fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.fail(op, err)
	}
	if n == 0 {
		return fmt.Errorf("alerts: %s %s: %w", op, prefix, ErrNotBlocked)
	}
	return nil
}

// ActiveBlocks returns every active block, oldest first.
func (s *Store) ActiveBlocks(ctx context.Context) ([]Block, error) {
	return s.queryBlocks(ctx, "active blocks", blockSelect+` WHERE removed IS NULL ORDER BY created, id`)
}

// Blocks returns the blocks q selects, newest first.
func (s *Store) Blocks(ctx context.Context, q BlockQuery) ([]Block, error) {
	where, args := q.where()
	text := blockSelect + where + ` ORDER BY created DESC, id DESC`
	if q.Limit > 0 {
		text += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return s.queryBlocks(ctx, "query blocks", text, args...)
}

// BlockCount counts the blocks of exactly prefix created at or after
// since that have ended: how often it was blocked before. The active block
// is not an earlier one, and one the kernel refused never took effect.
func (s *Store) BlockCount(ctx context.Context, prefix netip.Prefix, since time.Time) (int, error) {
	const op = "count blocks"
	if err := s.check(op); err != nil {
		return 0, err
	}
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks WHERE prefix = ? AND created >= ?
		AND removed IS NOT NULL AND removed_why IS NOT 'kernel'`,
		prefix.Masked().String(), nanos(since)).Scan(&n)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return n, nil
}

// where renders q as a WHERE clause and its arguments.
func (q BlockQuery) where() (string, []any) {
	var conds []string
	var args []any
	if !q.IncludeRemoved {
		conds = append(conds, "removed IS NULL")
	}
	if q.Prefix.IsValid() {
		conds = append(conds, "prefix = ?")
		args = append(args, q.Prefix.Masked().String())
	}
	if !q.Since.IsZero() {
		conds = append(conds, "created >= ?")
		args = append(args, q.Since.UnixNano())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const blockSelect = `SELECT id, prefix, family, reason, level, source, created, expires, removed, removed_why FROM blocks`

func (s *Store) queryBlocks(ctx context.Context, op, text string, args ...any) ([]Block, error) {
	if err := s.check(op); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	out := []Block{}
	for rows.Next() {
		b, err := scanBlock(rows)
		if err != nil {
			return nil, s.fail(op, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// scanBlock reads one row of blockSelect.
func scanBlock(row rowScanner) (Block, error) {
	var (
		b                Block
		prefix, source   string
		created          int64
		expires, removed sql.NullInt64
		why              sql.NullString
	)
	if err := row.Scan(&b.ID, &prefix, &b.Family, &b.Reason, &b.Level, &source, &created, &expires, &removed, &why); err != nil {
		return Block{}, err
	}
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return Block{}, fmt.Errorf("block %d: prefix: %w", b.ID, err)
	}
	b.Prefix, b.Source, b.RemovedWhy = p, BlockSource(source), RemovedWhy(why.String)
	b.Created, b.Expires, b.Removed = fromNanos(created), fromNanos(expires.Int64), fromNanos(removed.Int64)
	return b, nil
}

// nullNanos is t as a nullable column: NULL for the zero time.
func nullNanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// family is 4 or 6.
func family(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 4
	}
	return 6
}
