package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ifw/ifw/alerts"
)

// migrationBlocks (a fleet schema step): the blocks shared by the fleet
// ([block] share = fleet) and what each host did with them. One active row
// per prefix (removed NULL); expires NULL is permanent. fleet_block_hosts
// is one record per (block, host): applied, refused by that host's
// never-block guard, failed in its kernel, or removed there.
const migrationBlocks = `CREATE TABLE fleet_blocks (
	id          BIGSERIAL PRIMARY KEY,
	prefix      TEXT    NOT NULL,
	family      INTEGER NOT NULL CHECK (family IN (4, 6)),
	reason      TEXT    NOT NULL,
	level       INTEGER NOT NULL,
	source      TEXT    NOT NULL,
	origin      TEXT    NOT NULL,
	created     BIGINT  NOT NULL,
	expires     BIGINT,
	removed     BIGINT,
	removed_by  TEXT,
	removed_why TEXT,
	CHECK ((removed IS NULL) = (removed_why IS NULL))
);
CREATE UNIQUE INDEX fleet_blocks_active ON fleet_blocks(prefix) WHERE removed IS NULL;
CREATE INDEX fleet_blocks_prefix ON fleet_blocks(prefix, id);
CREATE TABLE fleet_block_hosts (
	block_id BIGINT  NOT NULL REFERENCES fleet_blocks(id) ON DELETE CASCADE,
	host     TEXT    NOT NULL,
	state    TEXT    NOT NULL CHECK (state IN ('applied', 'refused', 'failed', 'removed')),
	detail   TEXT    NOT NULL DEFAULT '',
	time     BIGINT  NOT NULL,
	PRIMARY KEY (block_id, host)
);
CREATE INDEX fleet_block_hosts_host ON fleet_block_hosts(host, block_id)`

// BlocksChannel is the channel every change of fleet_blocks is notified
// on, in the transaction that makes it. The payload is "add|del PREFIX
// HOST" (HOST: who made the change); it is only news: listeners read the
// table.
const BlocksChannel = "ifw_fleet_blocks"

// HostState is what one host did with a fleet block.
type HostState string

// Host states of a fleet block.
const (
	StateApplied HostState = "applied" // in this host's kernel set
	StateRefused HostState = "refused" // this host's never-block guard refused it
	StateFailed  HostState = "failed"  // this host's kernel refused it
	StateRemoved HostState = "removed" // this host removed it after the fleet did
)

// Block is one row of the fleet's blocks.
type Block struct {
	ID     int64              `json:"id"`
	Prefix netip.Prefix       `json:"prefix"`
	Family int                `json:"family"`
	Reason string             `json:"reason"`
	Level  int                `json:"level"`
	Source alerts.BlockSource `json:"source"`
	// Origin is the host that decided the block.
	Origin     string            `json:"origin"`
	Created    time.Time         `json:"created"`
	Expires    time.Time         `json:"expires,omitzero"` // zero: permanent
	Removed    time.Time         `json:"removed,omitzero"` // zero: active
	RemovedBy  string            `json:"removed_by,omitempty"`
	RemovedWhy alerts.RemovedWhy `json:"removed_why,omitempty"`
}

// Active reports whether b has not been removed.
func (b Block) Active() bool { return b.Removed.IsZero() }

// HostRecord is what one host did with one fleet block.
type HostRecord struct {
	BlockID int64        `json:"block_id"`
	Prefix  netip.Prefix `json:"prefix"`
	Host    string       `json:"host"`
	State   HostState    `json:"state"`
	Detail  string       `json:"detail,omitempty"`
	Time    time.Time    `json:"time"`
	// Block is the row the record is about.
	Block Block `json:"block"`
}

// PublishBlock writes a block this host decided: a new active row when
// the prefix has none, else the active row lasts as long as the longer of
// the two (changed false when it already did). This host's record of the
// row says applied. Other hosts are notified in the same transaction.
func (f *Fleet) PublishBlock(ctx context.Context, b alerts.Block) (row Block, changed bool, err error) {
	if !b.Prefix.IsValid() {
		return Block{}, false, fmt.Errorf("fleet: publish block: invalid prefix")
	}
	err = f.do(ctx, "publish block", func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
			row, changed, err = f.publish(ctx, tx, b)
			if err != nil {
				return err
			}
			if err := recordHost(ctx, tx, row.ID, f.cfg.Host, StateApplied, "decided here"); err != nil {
				return err
			}
			if changed {
				return notify(ctx, tx, "add", row.Prefix, f.cfg.Host)
			}
			return nil
		})
	})
	return row, changed, err
}

func (f *Fleet) publish(ctx context.Context, tx pgx.Tx, b alerts.Block) (Block, bool, error) {
	p := b.Prefix.Masked()
	// The insert loses to an active row of the same prefix (the partial
	// unique index); then the active row is extended.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO fleet_blocks(prefix, family, reason, level, source, origin, created, expires)
		VALUES($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (prefix) WHERE removed IS NULL DO NOTHING RETURNING id`,
		p.String(), family(p), b.Reason, b.Level, string(b.Source), f.cfg.Host, nanos(b.Created), nullNanos(b.Expires)).Scan(&id)
	switch {
	case err == nil:
		row, err := blockByID(ctx, tx, id)
		return row, true, err
	case !errors.Is(err, pgx.ErrNoRows):
		return Block{}, false, err
	}
	tag, err := tx.Exec(ctx, `UPDATE fleet_blocks SET expires = $2::BIGINT
		WHERE prefix = $1 AND removed IS NULL AND expires IS NOT NULL AND ($2::BIGINT IS NULL OR expires < $2::BIGINT)`,
		p.String(), nullNanos(b.Expires))
	if err != nil {
		return Block{}, false, err
	}
	rows, err := queryBlocks(ctx, tx, `WHERE prefix = $1 AND removed IS NULL`, p.String())
	if err != nil || len(rows) == 0 {
		return Block{}, false, errors.Join(err, fmt.Errorf("active block of %s vanished", p))
	}
	return rows[0], tag.RowsAffected() > 0, nil
}

// RemoveBlock ends the active row of p (an unblock on this host: every
// host removes it) and notifies; removed false when p had none.
func (f *Fleet) RemoveBlock(ctx context.Context, p netip.Prefix, why alerts.RemovedWhy, at time.Time) (removed bool, err error) {
	err = f.do(ctx, "remove block", func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
			var id int64
			err := tx.QueryRow(ctx, `UPDATE fleet_blocks SET removed = $2, removed_by = $3, removed_why = $4
				WHERE prefix = $1 AND removed IS NULL RETURNING id`, p.Masked().String(), nanos(at), f.cfg.Host, string(why)).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			removed = true
			if err := recordHost(ctx, tx, id, f.cfg.Host, StateRemoved, "removed here: "+string(why)); err != nil {
				return err
			}
			return notify(ctx, tx, "del", p.Masked(), f.cfg.Host)
		})
	})
	return removed, err
}

// ExpireBlocks marks the active rows whose time ran out at now removed
// (expired, at their expiry); every host's kernel drops them by itself.
func (f *Fleet) ExpireBlocks(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := f.do(ctx, "expire blocks", func(ctx context.Context) error {
		tag, err := f.pool.Exec(ctx, `UPDATE fleet_blocks SET removed = expires, removed_by = $2, removed_why = 'expired'
			WHERE removed IS NULL AND expires IS NOT NULL AND expires <= $1`, nanos(now), f.cfg.Host)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// ActiveBlocks returns the active rows, of p only when p is valid.
func (f *Fleet) ActiveBlocks(ctx context.Context, p netip.Prefix) ([]Block, error) {
	var out []Block
	err := f.do(ctx, "active blocks", func(ctx context.Context) (err error) {
		if p.IsValid() {
			out, err = queryBlocks(ctx, f.pool, `WHERE removed IS NULL AND prefix = $1 ORDER BY id`, p.Masked().String())
		} else {
			out, err = queryBlocks(ctx, f.pool, `WHERE removed IS NULL ORDER BY id`)
		}
		return err
	})
	return out, err
}

// BlockHistory returns the rows of p, newest first (limit 0: all).
func (f *Fleet) BlockHistory(ctx context.Context, p netip.Prefix, limit int) ([]Block, error) {
	var out []Block
	err := f.do(ctx, "block history", func(ctx context.Context) (err error) {
		out, err = queryBlocks(ctx, f.pool, `WHERE prefix = $1 ORDER BY id DESC LIMIT NULLIF($2, 0)`, p.Masked().String(), limit)
		return err
	})
	return out, err
}

// RecordBlockHost records what this host did with row id.
func (f *Fleet) RecordBlockHost(ctx context.Context, id int64, state HostState, detail string) error {
	return f.do(ctx, "record block host", func(ctx context.Context) error {
		return recordHost(ctx, f.pool, id, f.cfg.Host, state, detail)
	})
}

// HostRecords returns the records of host ("" every host), of p only when
// p is valid, the newest record per (prefix, host) only when latest, by
// prefix and host.
func (f *Fleet) HostRecords(ctx context.Context, host string, p netip.Prefix, latest bool) ([]HostRecord, error) {
	var out []HostRecord
	err := f.do(ctx, "block host records", func(ctx context.Context) error {
		q := `SELECT ` + distinct(latest) + ` h.block_id, h.host, h.state, h.detail, h.time, ` + blockColumns("b.") + `
			FROM fleet_block_hosts h JOIN fleet_blocks b ON b.id = h.block_id
			WHERE ($1 = '' OR h.host = $1) AND ($2 = '' OR b.prefix = $2)
			ORDER BY b.prefix, h.host, h.block_id DESC`
		ps := ""
		if p.IsValid() {
			ps = p.Masked().String()
		}
		rows, err := f.pool.Query(ctx, q, host, ps)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (HostRecord, error) {
			var r HostRecord
			var t int64
			var b blockScan
			if err := row.Scan(append([]any{&r.BlockID, &r.Host, &r.State, &r.Detail, &t}, b.dest()...)...); err != nil {
				return r, err
			}
			r.Time = time.Unix(0, t)
			var err error
			r.Block, err = b.block()
			r.Prefix = r.Block.Prefix
			return r, err
		})
		return err
	})
	return out, err
}

func distinct(latest bool) string {
	if latest {
		return `DISTINCT ON (b.prefix, h.host)`
	}
	return ``
}

func recordHost(ctx context.Context, db querier, id int64, host string, state HostState, detail string) error {
	_, err := db.Exec(ctx, `INSERT INTO fleet_block_hosts(block_id, host, state, detail, time) VALUES($1, $2, $3, $4, $5)
		ON CONFLICT (block_id, host) DO UPDATE SET state = excluded.state, detail = excluded.detail, time = excluded.time`,
		id, host, string(state), detail, nowNanos())
	return err
}

func notify(ctx context.Context, tx pgx.Tx, op string, p netip.Prefix, host string) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, BlocksChannel, op+" "+p.String()+" "+host)
	return err
}
