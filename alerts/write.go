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
	alert, existing, outcome, outcomeOnce, state *sql.Stmt
}

// The write statements, in SQLite's words (dialect.bind renders them).
const (
	// insertAlert stores an alert once: a write retried with the same uid
	// stores nothing and returns no row (existingAlert finds it).
	insertAlert = `INSERT INTO alerts(time, host, src, level, prev_level, reasons, packets,
			first_seen, last_seen, destination_count, destinations, scans, signatures,
			os, tool, trusted, collector, ports, uid) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(uid) DO NOTHING RETURNING id`
	existingAlert = `SELECT id FROM alerts WHERE uid = ?`
	insertOutcome = `INSERT INTO outcomes(alert_id, action, time, ok, error) VALUES(?,?,?,?,?)`
	// insertOutcomeOnce adds an outcome of a retried alert unless the first
	// write stored it (same action at the same time).
	insertOutcomeOnce = `INSERT INTO outcomes(alert_id, action, time, ok, error)
			SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT)
			WHERE NOT EXISTS (SELECT 1 FROM outcomes WHERE alert_id = ? AND action = ? AND time = ?)`
	putState = `INSERT INTO state(host, key, value, updated) VALUES(?,?,?,?)
			ON CONFLICT(host, key) DO UPDATE SET value = excluded.value, updated = excluded.updated`
)

func (ws *writeStmts) prepare(ctx context.Context, w *sql.DB, d dialect) error {
	for _, p := range []struct {
		into **sql.Stmt
		sql  string
	}{
		{&ws.alert, insertAlert},
		{&ws.existing, existingAlert},
		{&ws.outcome, insertOutcome},
		{&ws.outcomeOnce, insertOutcomeOnce},
		{&ws.state, putState},
	} {
		st, err := w.PrepareContext(ctx, d.bind(p.sql))
		if err != nil {
			return err
		}
		*p.into = st
	}
	return nil
}

func (ws *writeStmts) close() error {
	var err error
	for _, st := range []*sql.Stmt{ws.alert, ws.existing, ws.outcome, ws.outcomeOnce, ws.state} {
		if st != nil {
			err = errors.Join(err, st.Close())
		}
	}
	return err
}

// AddAlert stores a (with its outcomes, if any) and sets a.ID. When it
// returns nil the alert is committed: it survives a crash of the process
// (and a power loss with Config.FullSync). On error nothing was stored.
//
// An a without UID, or a copy of an alert already stored (a.ID set), is
// given a new one (NewUID) before the write, so that a failed write (which
// leaves a.ID 0) can be sent again as it is: an alert whose uid is stored
// already is not stored twice; AddAlert returns the stored alert's id and
// adds those of a's outcomes that it lacks.
func (s *Store) AddAlert(ctx context.Context, a *Alert) (int64, error) {
	const op = "add alert"
	if a.UID == "" || a.ID != 0 {
		a.UID = NewUID(time.Now())
	}
	w, err := s.writer(ctx, op)
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
		id, _, err := insertOrFind(ctx, s.stmts.alert, s.stmts.existing, cols, a.UID)
		if err != nil {
			return 0, s.fail(op, err)
		}
		a.ID = id
		return id, nil
	}
	id, err := s.addWithOutcomes(ctx, w, cols, a.UID, a.Outcomes)
	if err != nil {
		return 0, s.fail(op, err)
	}
	a.ID = id
	return id, nil
}

// insertOrFind inserts an alert row and returns its id, or the id of the
// row stored before with the same uid (fresh false).
func insertOrFind(ctx context.Context, insert, existing *sql.Stmt, cols []any, uid string) (id int64, fresh bool, err error) {
	err = insert.QueryRowContext(ctx, cols...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = existing.QueryRowContext(ctx, uid).Scan(&id)
		return id, false, err
	}
	return id, err == nil, err
}

func (s *Store) addWithOutcomes(ctx context.Context, w *sql.DB, cols []any, uid string, outs []Outcome) (int64, error) {
	tx, err := begin(ctx, w)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	id, fresh, err := insertOrFind(ctx, tx.StmtContext(ctx, s.stmts.alert), tx.StmtContext(ctx, s.stmts.existing), cols, uid)
	if err != nil {
		return 0, err
	}
	if fresh {
		st := tx.StmtContext(ctx, s.stmts.outcome)
		for _, o := range outs {
			if _, err := st.ExecContext(ctx, id, o.Action, nanos(o.Time), boolInt(o.OK), o.Error); err != nil {
				return 0, err
			}
		}
		return id, tx.Commit()
	}
	st := tx.StmtContext(ctx, s.stmts.outcomeOnce)
	for _, o := range outs {
		if _, err := st.ExecContext(ctx, id, o.Action, nanos(o.Time), boolInt(o.OK), o.Error, id, o.Action, nanos(o.Time)); err != nil {
			return 0, err
		}
	}
	return id, tx.Commit()
}

// AddOutcome records what an action did with the alert alertID. An alert
// the store does not have gives ErrUnknownAlert.
func (s *Store) AddOutcome(ctx context.Context, alertID int64, o Outcome) error {
	const op = "add outcome"
	if _, err := s.writer(ctx, op); err != nil {
		return err
	}
	_, err := s.stmts.outcome.ExecContext(ctx, alertID, o.Action, nanos(o.Time), boolInt(o.OK), o.Error)
	var le *sqlite.Error
	if errors.As(err, &le) && le.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY || foreignKeyViolation(err) {
		return fmt.Errorf("alerts: %s: alert %d: %w", op, alertID, ErrUnknownAlert)
	}
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// PutState stores value under key for the store's host, replacing what
// was there, in one transaction: a failed write leaves the previous value.
func (s *Store) PutState(ctx context.Context, key string, value []byte) error {
	const op = "put state"
	if _, err := s.writer(ctx, op); err != nil {
		return err
	}
	if key == "" {
		return fmt.Errorf("alerts: %s: empty key: %w", op, ErrInvalid)
	}
	if value == nil {
		value = []byte{}
	}
	if _, err := s.stmts.state.ExecContext(ctx, s.cfg.Host, key, value, time.Now().UnixNano()); err != nil {
		return s.fail(op+" "+key, err)
	}
	return nil
}
