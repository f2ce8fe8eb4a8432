package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations[i] brings the schema from version i to i+1. Append only.
var migrations = []string{
	// 1: alerts, their outcomes, named state blobs. Times are Unix
	// nanoseconds (0: none); lists are JSON arrays.
	`CREATE TABLE alerts (
		id                INTEGER PRIMARY KEY AUTOINCREMENT,
		time              INTEGER NOT NULL,
		host              TEXT    NOT NULL,
		src               TEXT    NOT NULL,
		level             INTEGER NOT NULL,
		prev_level        INTEGER NOT NULL,
		reasons           TEXT    NOT NULL,
		packets           INTEGER NOT NULL,
		first_seen        INTEGER NOT NULL,
		last_seen         INTEGER NOT NULL,
		destination_count INTEGER NOT NULL,
		destinations      TEXT    NOT NULL,
		scans             TEXT    NOT NULL,
		signatures        TEXT    NOT NULL,
		os                TEXT    NOT NULL,
		tool              TEXT    NOT NULL,
		trusted           INTEGER NOT NULL,
		collector         TEXT    NOT NULL
	);
	CREATE INDEX alerts_time ON alerts(time, level, src);
	CREATE INDEX alerts_src_time ON alerts(src, time);
	CREATE TABLE outcomes (
		id       INTEGER PRIMARY KEY,
		alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
		action   TEXT    NOT NULL,
		time     INTEGER NOT NULL,
		ok       INTEGER NOT NULL,
		error    TEXT    NOT NULL
	);
	CREATE INDEX outcomes_alert ON outcomes(alert_id);
	CREATE TABLE state (
		key     TEXT PRIMARY KEY,
		value   BLOB    NOT NULL,
		updated INTEGER NOT NULL
	);`,
	migrationBlocks,    // 2: blocks (block.go)
	migrationQuestions, // 3: closed outbound questions (question.go)
	migrationWindows,   // 4: attackers' scan windows with their packet counts (window.go)
	migrationPorts,     // 5: the ports an alert's attacker hit, with their packets (alert.go)
	migrationHosts,     // 6: a host on every row, a unique id on every alert (hosts.go)
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_version (
	version INTEGER PRIMARY KEY,
	applied INTEGER NOT NULL
)`

// migrate brings the database to the current schema, one transaction per
// step, and returns the version. Each step re-reads the version inside its
// transaction (immediate on SQLite, under an advisory lock on PostgreSQL),
// so two processes opening a new database at once do not apply a step
// twice.
func (s *Store) migrate(ctx context.Context) (int, error) {
	for {
		version, done, err := s.step(ctx)
		switch {
		case err != nil:
			return 0, err
		case done:
			return version, nil
		}
		s.log.Info("alert store schema migrated", "version", version)
	}
}

// step applies the next migration, if any, and returns the version after
// it; done when there was none.
func (s *Store) step(ctx context.Context) (version int, done bool, err error) {
	tx, err := begin(ctx, s.w)
	if err != nil {
		return 0, false, s.fail("migrate schema", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	// The version table is made inside the step's transaction: under
	// PostgreSQL's migration lock, and in SQLite's BEGIN IMMEDIATE, which
	// waits for another opener's write. (Alone, CREATE TABLE IF NOT EXISTS
	// reads, then upgrades to a write, and fails at once with SQLITE_BUSY
	// when another opener wrote in between.)
	if s.d.pg {
		err = s.lockMigrations(ctx, tx)
	} else {
		_, err = tx.ExecContext(ctx, createVersionTable)
	}
	if err != nil {
		return 0, false, s.fail("create schema", err)
	}
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, false, s.fail("read schema version", err)
	}
	version = int(v.Int64)
	if version > len(migrations) {
		return 0, false, &SchemaError{Path: s.where, Found: version, Known: len(migrations)}
	}
	if version == len(migrations) {
		return version, true, tx.Commit()
	}
	for _, st := range s.d.migration(migrations[version]) {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return 0, false, s.fail(fmt.Sprintf("migrate to schema %d", version+1), err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.bind(`INSERT INTO schema_version(version, applied) VALUES(?, ?)`),
		version+1, time.Now().UnixNano()); err != nil {
		return 0, false, s.fail(fmt.Sprintf("migrate to schema %d", version+1), err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, s.fail(fmt.Sprintf("migrate to schema %d", version+1), err)
	}
	return version + 1, false, nil
}

// schemaVersion reads the applied version (0: none).
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v)
	return int(v.Int64), err
}
