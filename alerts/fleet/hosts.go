package fleet

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// migrationHosts (fleet schema 1): one row per daemon of the fleet, kept
// by its heartbeat.
const migrationHosts = `CREATE TABLE fleet_hosts (
	host      TEXT   PRIMARY KEY,
	last_seen BIGINT NOT NULL,
	degraded  BOOLEAN NOT NULL DEFAULT FALSE,
	queued    BIGINT NOT NULL DEFAULT 0
)`

// Host is one daemon of the fleet as the database last heard of it.
type Host struct {
	Host     string    `json:"host"`
	LastSeen time.Time `json:"last_seen"`
	// Degraded: the daemon said it has writes queued on its own disk
	// (Queued of them), or it has not been heard from for a while.
	Degraded bool  `json:"degraded"`
	Queued   int64 `json:"queued"`
}

// Health is what a daemon's heartbeat says about it.
type Health struct {
	Degraded bool
	Queued   int64
}

// Beat records that this daemon is alive, with its health.
func (f *Fleet) Beat(ctx context.Context, h Health) error {
	return f.do(ctx, "heartbeat", func(ctx context.Context) error {
		_, err := f.pool.Exec(ctx, `INSERT INTO fleet_hosts(host, last_seen, degraded, queued) VALUES($1, $2, $3, $4)
		ON CONFLICT(host) DO UPDATE SET last_seen = excluded.last_seen,
			degraded = excluded.degraded, queued = excluded.queued`,
			f.cfg.Host, nowNanos(), h.Degraded, h.Queued)
		return err
	})
}

// Hosts returns every host of the fleet by name. A host not heard from
// since stale ago is marked Degraded (0: no such rule).
func (f *Fleet) Hosts(ctx context.Context, stale time.Duration) ([]Host, error) {
	var out []Host
	err := f.do(ctx, "hosts", func(ctx context.Context) error {
		rows, err := f.pool.Query(ctx, `SELECT host, last_seen, degraded, queued FROM fleet_hosts ORDER BY host`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Host, error) {
			var h Host
			var seen int64
			err := row.Scan(&h.Host, &seen, &h.Degraded, &h.Queued)
			h.LastSeen = time.Unix(0, seen)
			return h, err
		})
		return err
	})
	now := time.Now()
	for i := range out {
		if stale > 0 && now.Sub(out[i].LastSeen) > stale {
			out[i].Degraded = true
		}
	}
	return out, err
}
