package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ifw/ifw/signatures"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// writeStmts are the write statements, prepared once on the writer.
type writeStmts struct {
	alert, outcome, state *sql.Stmt
}

func (ws *writeStmts) prepare(ctx context.Context, w *sql.DB) error {
	for _, p := range []struct {
		into **sql.Stmt
		sql  string
	}{
		{&ws.alert, `INSERT INTO alerts(time, host, src, level, prev_level, reasons, packets,
			first_seen, last_seen, destination_count, destinations, scans, signatures,
			os, tool, trusted, collector, ports) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`},
		{&ws.outcome, `INSERT INTO outcomes(alert_id, action, time, ok, error) VALUES(?,?,?,?,?)`},
		{&ws.state, `INSERT INTO state(key, value, updated) VALUES(?,?,?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = excluded.updated`},
	} {
		st, err := w.PrepareContext(ctx, p.sql)
		if err != nil {
			return err
		}
		*p.into = st
	}
	return nil
}

func (ws *writeStmts) close() error {
	var err error
	for _, st := range []*sql.Stmt{ws.alert, ws.outcome, ws.state} {
		if st != nil {
			err = errors.Join(err, st.Close())
		}
	}
	return err
}

// AddAlert stores a (with its outcomes, if any) and sets a.ID. When it
// returns nil the alert is committed: it survives a crash of the process
// (and a power loss with Config.FullSync). On error nothing was stored.
func (s *Store) AddAlert(ctx context.Context, a *Alert) (int64, error) {
	const op = "add alert"
	w, err := s.writer(op)
	if err != nil {
		return 0, err
	}
	if !a.Src.IsValid() || a.Level < 0 || a.Level > signatures.MaxLevel {
		return 0, fmt.Errorf("alerts: %s: source %v, level %d: %w", op, a.Src, a.Level, ErrInvalid)
	}
	cols, err := alertColumns(a)
	if err != nil {
		return 0, fmt.Errorf("alerts: %s: %w", op, err)
	}
	if len(a.Outcomes) == 0 { // one statement is its own transaction
		res, err := s.stmts.alert.ExecContext(ctx, cols...)
		if err != nil {
			return 0, s.fail(op, err)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return 0, s.fail(op, err)
		}
		return a.ID, nil
	}
	id, err := s.addWithOutcomes(ctx, w, cols, a.Outcomes)
	if err != nil {
		return 0, s.fail(op, err)
	}
	a.ID = id
	return id, nil
}

func (s *Store) addWithOutcomes(ctx context.Context, w *sql.DB, cols []any, outs []Outcome) (int64, error) {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	res, err := tx.StmtContext(ctx, s.stmts.alert).ExecContext(ctx, cols...)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	st := tx.StmtContext(ctx, s.stmts.outcome)
	for _, o := range outs {
		if _, err := st.ExecContext(ctx, id, o.Action, nanos(o.Time), o.OK, o.Error); err != nil {
			return 0, err
		}
	}
	return id, tx.Commit()
}

// AddOutcome records what an action did with the alert alertID. An alert
// the store does not have gives ErrUnknownAlert.
func (s *Store) AddOutcome(ctx context.Context, alertID int64, o Outcome) error {
	const op = "add outcome"
	if _, err := s.writer(op); err != nil {
		return err
	}
	_, err := s.stmts.outcome.ExecContext(ctx, alertID, o.Action, nanos(o.Time), o.OK, o.Error)
	var le *sqlite.Error
	if errors.As(err, &le) && le.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return fmt.Errorf("alerts: %s: alert %d: %w", op, alertID, ErrUnknownAlert)
	}
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// PutState stores value under key, replacing what was there, in one
// transaction: a failed write leaves the previous value.
func (s *Store) PutState(ctx context.Context, key string, value []byte) error {
	const op = "put state"
	if _, err := s.writer(op); err != nil {
		return err
	}
	if key == "" {
		return fmt.Errorf("alerts: %s: empty key: %w", op, ErrInvalid)
	}
	if value == nil {
		value = []byte{}
	}
	if _, err := s.stmts.state.ExecContext(ctx, key, value, time.Now().UnixNano()); err != nil {
		return s.fail(op+" "+key, err)
	}
	return nil
}
