package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// journalSizeLimit is how large the write-ahead log may stay after a
// checkpoint: the engine state saved periodically is megabytes.
const journalSizeLimit = 64 << 20

// Store keeps alerts, their outcomes, blocks, closed outbound questions
// and named state blobs in SQLite, or in PostgreSQL (Config.URL). It is
// safe for concurrent use: writes are serialised on one connection
// (SQLite; a few on PostgreSQL), reads run concurrently on their own.
type Store struct {
	cfg    Config
	log    *slog.Logger
	d      dialect
	where  string  // the file, or the PostgreSQL database, for errors and logs
	w      *sql.DB // nil when ReadOnly
	r      *sql.DB
	stmts  writeStmts
	closed atomic.Bool
	// mu guards ready: on PostgreSQL the schema is read (and migrated) on
	// the first call that reaches the server, which may be after Open.
	mu    sync.Mutex
	ready atomic.Bool
	// version is the database's schema version: older than this build's
	// when a newer ifw opens an older database read-only (no migration).
	version int
	// recovered is where a corrupt database was moved (Config.Recover).
	recovered string
}

// Open opens (creating and migrating when needed) the database cfg names.
// log may be nil. A database that cannot be written fails with ErrReadOnly
// unless cfg.ReadOnly; one a newer ifw migrated fails with *SchemaError.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Store{cfg: cfg.withDefaults(), d: dialect{pg: cfg.URL != ""}}
	s.where = s.cfg.Path
	if s.d.pg {
		s.where = pgWhere(s.cfg.URL)
	}
	s.log = log.With("db", s.where)
	err := s.open(ctx)
	if err != nil && cfg.Recover && !s.d.pg && errors.Is(err, ErrCorrupt) {
		s.closeDBs()
		err = s.recover(ctx, err)
	}
	if err != nil {
		s.closeDBs()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	if s.d.pg {
		return s.openPG(ctx)
	}
	s.ready.Store(true)
	if s.cfg.ReadOnly {
		return s.openReadOnly(ctx)
	}
	if err := prepareFile(s.cfg.Path); err != nil {
		return wrapErr("open", s.cfg.Path, err)
	}
	unlock, err := lockOpening(s.cfg.Path)
	if err != nil {
		return wrapErr("open", s.cfg.Path, err)
	}
	defer unlock()
	w, err := sql.Open("sqlite", s.dsn(false))
	if err != nil {
		return s.fail("open", err)
	}
	w.SetMaxOpenConns(1) // one writer: writes never wait on each other's locks
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s.w = w
	version, err := s.migrate(ctx)
	if err != nil {
		return err
	}
	s.version = version
	if err := s.adopt(ctx); err != nil {
		return s.fail("adopt rows of an older host name", err)
	}
	if err := s.stmts.prepare(ctx, w, s.d); err != nil {
		return s.fail("open", err)
	}
	s.r, err = sql.Open("sqlite", s.dsn(true))
	if err != nil {
		return s.fail("open", err)
	}
	s.r.SetMaxOpenConns(s.cfg.MaxReaders)
	s.r.SetMaxIdleConns(s.cfg.MaxReaders)
	s.log.Info("alert store open", "schema", version, "full_sync", s.cfg.FullSync)
	return nil
}

func (s *Store) openReadOnly(ctx context.Context) error {
	if _, err := os.Stat(s.cfg.Path); err != nil {
		return s.fail("open", err)
	}
	var err error
	if s.r, err = sql.Open("sqlite", s.dsn(true)); err != nil {
		return s.fail("open", err)
	}
	s.r.SetMaxOpenConns(s.cfg.MaxReaders)
	version, err := schemaVersion(ctx, s.r)
	if err != nil {
		return s.fail("open", err)
	}
	if version > len(migrations) {
		return &SchemaError{Path: s.where, Found: version, Known: len(migrations)}
	}
	s.version = version
	s.log.Info("alert store open read-only", "schema", version)
	return nil
}

// prepareFile creates the directory (0750) and the file (0640: SQLite gives
// its log and index files the database's mode) and checks both can be
// written, so that a read-only database fails at Open, clearly.
func prepareFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := syscall.Access(filepath.Dir(path), 2 /* W_OK */); err != nil {
		return fmt.Errorf("directory %s (for the log files): %w", filepath.Dir(path), err)
	}
	return nil
}

// lockOpening holds an flock on the database file while this store
// opens and migrates it, and returns its release. The writer's first
// connection switches a new database to WAL, which takes SQLite's
// exclusive lock; two openers racing for it fail at once with SQLITE_BUSY
// (SQLite does not wait where waiting could deadlock). flock does not
// interact with SQLite's own (fcntl) locks, and another opener waits only
// for the migration.
func lockOpening(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// dsn is the driver's name for the database: WAL, synchronous NORMAL (or
// FULL), foreign keys, BEGIN IMMEDIATE for write transactions (no deadlock
// between a reader turned writer and the writer), the busy timeout; readers
// are query-only (read-only when the Store is).
func (s *Store) dsn(reader bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(s.cfg.BusyTimeout.Milliseconds()))
	q.Set("_foreign_keys", "1")
	switch {
	case s.cfg.ReadOnly:
		q.Set("mode", "ro")
	case reader:
		q.Set("_query_only", "1")
	default:
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", map[bool]string{false: "NORMAL", true: "FULL"}[s.cfg.FullSync])
		q.Set("_txlock", "immediate")
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit))
	}
	u := url.URL{Scheme: "file", Path: s.cfg.Path, RawQuery: q.Encode()}
	return u.String()
}

// Close closes the store; it waits for the statements under way. Every
// later call fails with ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.closeDBs(); err != nil {
		return s.fail("close", err)
	}
	s.log.Info("alert store closed")
	return nil
}

func (s *Store) closeDBs() error {
	err := s.stmts.close()
	if s.w != nil {
		err = errors.Join(err, s.w.Close())
	}
	if s.r != nil {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// check returns ErrClosed, as a *StorageError, once the store is closed;
// on PostgreSQL it first makes the schema ready (prepare).
func (s *Store) check(ctx context.Context, op string) error {
	if s.closed.Load() {
		return &StorageError{Op: op, Path: s.where, Fault: FaultClosed, Err: ErrClosed}
	}
	return s.prepare(ctx, op)
}

// writer returns the write connection pool, or ErrReadOnly.
func (s *Store) writer(ctx context.Context, op string) (*sql.DB, error) {
	if s.closed.Load() {
		return nil, &StorageError{Op: op, Path: s.where, Fault: FaultClosed, Err: ErrClosed}
	}
	if s.w == nil {
		return nil, &StorageError{Op: op, Path: s.where, Fault: FaultReadOnly, Err: errors.New("opened read-only")}
	}
	return s.w, s.prepare(ctx, op)
}
