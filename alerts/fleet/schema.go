package fleet

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations[i] brings the fleet's tables from version i to i+1. Append
// only. Times are Unix nanoseconds, as in the alert store.
var migrations = []string{
	migrationHosts,     // 1: hosts.go
	migrationBlocks,    // 2: blocks.go
	migrationSightings, // 3: sightings.go
}

// migrationLock is the advisory lock key that serialises migrations of
// daemons starting at once ("ifwfleet" in ASCII).
const migrationLock = 0x6966776669656574

// migrate applies the missing migrations, each in its own transaction
// under an advisory lock, and returns the version.
func migrate(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	for {
		version, done, err := step(ctx, pool)
		if err != nil || done {
			return version, err
		}
	}
}

func step(ctx context.Context, pool *pgxpool.Pool) (version int, done bool, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS fleet_schema_version (
			version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM fleet_schema_version`).Scan(&version); err != nil {
			return err
		}
		switch {
		case version > len(migrations):
			return fmt.Errorf("fleet: schema version %d is newer than this build's %d: %w", version, len(migrations), ErrSchema)
		case version == len(migrations):
			done = true
			return nil
		}
		if _, err := tx.Exec(ctx, migrations[version]); err != nil {
			return fmt.Errorf("migrate to fleet schema %d: %w", version+1, err)
		}
		version++
		_, err := tx.Exec(ctx, `INSERT INTO fleet_schema_version(version, applied) VALUES($1, $2)`, version, nowNanos())
		return err
	})
	if err != nil {
		return 0, false, wrap("migrate", err)
	}
	return version, done, nil
}
