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

// AddBlock records b as a block of the store's host (b.Host is ignored)
// and returns its id. Re-blocking a prefix that has an active block of
// this host updates that block (reason, level, source, expiry; its id and
// creation time stay) instead of adding a second one. A zero b.Created is
// now. b.Family is taken from b.Prefix.
func (s *Store) AddBlock(ctx context.Context, b Block) (int64, error) {
	const op = "add block"
	w, err := s.writer(ctx, op)
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
	err = w.QueryRowContext(ctx, s.d.bind(`INSERT INTO blocks(host, prefix, family, reason, level, source, created, expires)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(host, prefix) WHERE removed IS NULL DO UPDATE SET
			reason = excluded.reason, level = excluded.level,
			source = excluded.source, expires = excluded.expires
		RETURNING id`),
		s.cfg.Host, p.String(), family(p), b.Reason, b.Level, string(b.Source), b.Created.UnixNano(), nullNanos(b.Expires),
	).Scan(&id)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return id, nil
}

// RemoveBlock ends the active block of prefix of the store's host at at
// (zero: now), for why.
// A prefix without an active block gives ErrNotBlocked.
func (s *Store) RemoveBlock(ctx context.Context, prefix netip.Prefix, why RemovedWhy, at time.Time) error {
	const op = "remove block"
	w, err := s.writer(ctx, op)
	if err != nil {
		return err
	}
	if !prefix.IsValid() || !why.Valid() {
		return fmt.Errorf("alerts: %s: prefix %v, why %q: %w", op, prefix, why, ErrInvalid)
	}
	if at.IsZero() {
		at = time.Now()
	}
	res, err := w.ExecContext(ctx, s.d.bind(`UPDATE blocks SET removed = ?, removed_why = ?
		WHERE host = ? AND prefix = ? AND removed IS NULL`),
		at.UnixNano(), string(why), s.cfg.Host, prefix.Masked().String())
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

// ActiveBlocks returns every active block of the store's host (every
// host's for a store opened without one), oldest first.
func (s *Store) ActiveBlocks(ctx context.Context) ([]Block, error) {
	return s.Blocks(ctx, BlockQuery{oldestFirst: true})
}

// Blocks returns the blocks q selects, newest first.
func (s *Store) Blocks(ctx context.Context, q BlockQuery) ([]Block, error) {
	const op = "query blocks"
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	where, args := q.where(s.hostCond(q.Host, s.version >= schemaHosts))
	text := s.blockSelect() + where + ` ORDER BY created DESC, id DESC`
	if q.oldestFirst {
		text = s.blockSelect() + where + ` ORDER BY created, id`
	}
	if q.Limit > 0 {
		text += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return s.queryBlocks(ctx, op, s.d.bind(text), args...)
}

// BlockCount counts the blocks of exactly prefix of the store's host
// created at or after since that have ended: how often it was blocked
// before. The active block is not an earlier one, and one the kernel
// refused never took effect.
func (s *Store) BlockCount(ctx context.Context, prefix netip.Prefix, since time.Time) (int, error) {
	const op = "count blocks"
	if err := s.check(ctx, op); err != nil {
		return 0, err
	}
	text, args := `SELECT COUNT(*) FROM blocks WHERE prefix = ? AND created >= ?
		AND removed IS NOT NULL AND removed_why <> 'kernel'`, []any{prefix.Masked().String(), nanos(since)}
	if cond, arg := s.hostCond("", s.version >= schemaHosts); cond != "" {
		text, args = text+` AND `+cond, append(args, arg)
	}
	var n int
	err := s.r.QueryRowContext(ctx, s.d.bind(text), args...).Scan(&n)
	if err != nil {
		return 0, s.fail(op, err)
	}
	return n, nil
}

// where renders q as a WHERE clause and its arguments, with hostCond's
// condition on the host.
func (q BlockQuery) where(hostCond string, host any) (string, []any) {
	var conds []string
	var args []any
	if hostCond != "" {
		conds, args = append(conds, hostCond), append(args, host)
	}
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

// blockSelect lists the columns scanBlock reads.
func (s *Store) blockSelect() string {
	return `SELECT id, ` + s.hostColumn() + `, prefix, family, reason, level, source, created, expires, removed, removed_why FROM blocks`
}

func (s *Store) queryBlocks(ctx context.Context, op, text string, args ...any) ([]Block, error) {
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
	if err := row.Scan(&b.ID, &b.Host, &prefix, &b.Family, &b.Reason, &b.Level, &source, &created, &expires, &removed, &why); err != nil {
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
