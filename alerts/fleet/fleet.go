package fleet

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"github.com/ifw/ifw/alerts"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Fleet is this daemon's handle on the fleet's tables. It is safe for
// concurrent use.
type Fleet struct {
	cfg  Config
	log  *slog.Logger
	pool *pgxpool.Pool

	mu       sync.Mutex
	migrated bool
}

// Open makes the pool without connecting: the first operation connects
// (and migrates), so a database that is down at start is not an error
// here. log may be nil.
func Open(cfg Config, log *slog.Logger) (*Fleet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = cfg.MaxConns
	if pc.MaxConns == 0 {
		pc.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, wrap("open", err)
	}
	return &Fleet{cfg: cfg, log: log.With("fleet_host", cfg.Host), pool: pool}, nil
}

// Host is the name this daemon reports under.
func (f *Fleet) Host() string { return f.cfg.Host }

// Close closes the pool, waiting for the connections in use.
func (f *Fleet) Close() { f.pool.Close() }

// ready migrates the fleet's tables once, on the first call that reaches
// the server; every operation calls it first.
func (f *Fleet) ready(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.migrated {
		return nil
	}
	version, err := migrate(ctx, f.pool)
	if err != nil && pgconn.SafeToRetry(err) {
		f.pool.Reset()
		version, err = migrate(ctx, f.pool)
	}
	if err != nil {
		return err
	}
	f.migrated = true
	f.log.Info("fleet tables ready", "schema", version)
	return nil
}

// do runs fn after ready. A statement that failed before it reached the
// server (a pooled connection the server dropped while restarting) is run
// once more on a fresh connection; a server that cannot be reached empties
// the pool so the next call connects anew. Errors come wrapped (op).
func (f *Fleet) do(ctx context.Context, op string, fn func(context.Context) error) error {
	err := f.ready(ctx)
	if err == nil {
		err = fn(ctx)
		if err != nil && pgconn.SafeToRetry(err) {
			f.pool.Reset()
			err = fn(ctx)
		}
	}
	if err != nil && alerts.Unreachable(err) {
		f.pool.Reset()
	}
	return wrap(op, err)
}
