package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgWriters is how many connections write on PostgreSQL: the server
// takes concurrent writes without the single-writer lock of SQLite.
const pgWriters = 4

// migrationLock is the advisory lock key that serialises the migrations
// of daemons starting at once on one database ("ifwstore" in ASCII).
const migrationLock = 0x696677_73746f7265

// openPG opens the pools of a PostgreSQL store (pgx's database/sql
// driver, no connection yet) and makes the schema ready. A server that
// cannot be reached is not an error here: the daemon starts and detects
// with the database down; the first call that reaches the server
// migrates, and the calls before fail with ErrUnavailable.
func (s *Store) openPG(ctx context.Context) error {
	cc, err := pgx.ParseConfig(s.cfg.URL)
	if err != nil {
		return &StorageError{Op: "open", Path: s.where, Err: err}
	}
	cc.RuntimeParams["application_name"] = "ifw"
	if s.cfg.ReadOnly {
		cc.RuntimeParams["default_transaction_read_only"] = "on"
	}
	s.r = stdlib.OpenDB(*cc)
	s.r.SetMaxOpenConns(s.cfg.MaxReaders)
	s.r.SetMaxIdleConns(s.cfg.MaxReaders)
	if !s.cfg.ReadOnly {
		s.w = stdlib.OpenDB(*cc)
		s.w.SetMaxOpenConns(pgWriters)
		s.w.SetMaxIdleConns(pgWriters)
	}
	err = s.prepare(ctx, "open")
	if errors.Is(err, ErrUnavailable) {
		s.log.Warn("alert store unreachable: will connect on first use", "err", err)
		return nil
	}
	return err
}

// prepare makes the schema ready once: on SQLite Open did; on PostgreSQL
// the first call that reaches the server reads the schema version,
// migrates (unless read-only) and prepares the write statements.
func (s *Store) prepare(ctx context.Context, op string) error {
	if s.ready.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready.Load() {
		return nil
	}
	version, err := s.readyPG(ctx)
	if err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			return err
		}
		return s.fail(op, err)
	}
	s.version = version
	s.ready.Store(true)
	s.log.Info("alert store open", "driver", "postgres", "schema", version, "read_only", s.cfg.ReadOnly)
	return nil
}

func (s *Store) readyPG(ctx context.Context) (int, error) {
	if s.cfg.ReadOnly {
		version, err := schemaVersion(ctx, s.r)
		if err != nil {
			return 0, err
		}
		if version > len(migrations) {
			return 0, &SchemaError{Path: s.where, Found: version, Known: len(migrations)}
		}
		return version, nil
	}
	version, err := s.migrate(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.stmts.prepare(ctx, s.w, s.d); err != nil {
		return 0, err
	}
	return version, nil
}

// begin starts a transaction on db. A BEGIN that never reached the
// server (a pooled PostgreSQL connection it dropped while restarting, used
// again within a second, before database/sql's idle check pings it) is
// tried once more: that connection is closed by then, so the pool gives
// another.
func begin(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil && pgconn.SafeToRetry(err) {
		tx, err = db.BeginTx(ctx, nil)
	}
	return tx, err
}

// lockMigrations takes the advisory lock that serialises migrations for
// the rest of tx, and creates the version table under it.
func (s *Store) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.d.versionTable())
	return err
}

// pgWhere names the database of a connection string, without its
// password: "postgres DB on HOST".
func pgWhere(url string) string {
	c, err := pgconn.ParseConfig(url)
	if err != nil {
		return "postgres"
	}
	return fmt.Sprintf("postgres %s on %s", c.Database, c.Host)
}
