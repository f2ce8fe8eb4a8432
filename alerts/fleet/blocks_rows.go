package fleet

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ifw/ifw/alerts"
)

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// blockColumns are fleet_blocks' columns in blockScan's order.
func blockColumns(table string) string {
	s := ""
	for i, c := range []string{"id", "prefix", "family", "reason", "level", "source", "origin", "created",
		"expires", "removed", "removed_by", "removed_why"} {
		if i > 0 {
			s += ", "
		}
		s += table + c
	}
	return s
}

// blockScan receives one row of fleet_blocks.
type blockScan struct {
	id, created            int64
	prefix, reason, source string
	origin                 string
	family, level          int
	expires, removed       *int64
	removedBy, removedWhy  *string
}

func (s *blockScan) dest() []any {
	return []any{&s.id, &s.prefix, &s.family, &s.reason, &s.level, &s.source, &s.origin, &s.created,
		&s.expires, &s.removed, &s.removedBy, &s.removedWhy}
}

func (s *blockScan) block() (Block, error) {
	p, err := netip.ParsePrefix(s.prefix)
	if err != nil {
		return Block{}, fmt.Errorf("fleet block %d: %w", s.id, err)
	}
	b := Block{ID: s.id, Prefix: p, Family: s.family, Reason: s.reason, Level: s.level,
		Source: alerts.BlockSource(s.source), Origin: s.origin, Created: time.Unix(0, s.created)}
	if s.expires != nil {
		b.Expires = time.Unix(0, *s.expires)
	}
	if s.removed != nil {
		b.Removed = time.Unix(0, *s.removed)
	}
	if s.removedBy != nil {
		b.RemovedBy = *s.removedBy
	}
	if s.removedWhy != nil {
		b.RemovedWhy = alerts.RemovedWhy(*s.removedWhy)
	}
	return b, nil
}

// queryBlocks selects rows of fleet_blocks; where is the rest of the
// statement.
func queryBlocks(ctx context.Context, db querier, where string, args ...any) ([]Block, error) {
	rows, err := db.Query(ctx, `SELECT `+blockColumns("")+` FROM fleet_blocks `+where, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Block, error) {
		var s blockScan
		if err := row.Scan(s.dest()...); err != nil {
			return Block{}, err
		}
		return s.block()
	})
}

func blockByID(ctx context.Context, db querier, id int64) (Block, error) {
	rows, err := queryBlocks(ctx, db, `WHERE id = $1`, id)
	if err != nil {
		return Block{}, err
	}
	if len(rows) == 0 {
		return Block{}, fmt.Errorf("fleet block %d: %w", id, pgx.ErrNoRows)
	}
	return rows[0], nil
}

func family(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 4
	}
	return 6
}

// nanos is t in Unix nanoseconds; zero stays 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// nullNanos is t in Unix nanoseconds, NULL when zero.
func nullNanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}
