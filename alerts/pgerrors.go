package alerts

import (
	"database/sql/driver"
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unreachable reports whether err says a PostgreSQL server could not be
// reached or went away (down, restarting, the socket or the network
// gone, too many connections), as opposed to refusing a statement: the
// same work may succeed later (ErrUnavailable).
func Unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne *net.OpError
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now (starting up); 53300: too many
		// connections.
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn):
		return true
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// pgFaults are the SQLSTATE codes (or their classes) of the other faults.
var pgFaults = map[string]Fault{
	"53100": FaultFull,     // disk_full
	"53":    FaultFull,     // insufficient resources (out of memory, …)
	"25006": FaultReadOnly, // read_only_sql_transaction (a standby, a read-only store)
	"42501": FaultReadOnly, // insufficient_privilege
	"XX001": FaultCorrupt,  // data_corrupted
	"XX002": FaultCorrupt,  // index_corrupted
	"40P01": FaultBusy,     // deadlock_detected
	"55P03": FaultBusy,     // lock_not_available
	"57014": FaultBusy,     // query_canceled (statement_timeout, lock_timeout)
	"58030": FaultIO,       // io_error
}

// classifyPG finds the fault behind a PostgreSQL error; ok false when err
// is not one.
func classifyPG(err error) (Fault, bool) {
	if Unreachable(err) {
		return FaultUnavailable, true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return FaultOther, false
	}
	if f, ok := pgFaults[pe.Code]; ok {
		return f, true
	}
	if f, ok := pgFaults[pe.Code[:2]]; ok {
		return f, true
	}
	return FaultOther, true
}

// foreignKeyViolation reports whether err is PostgreSQL's
// foreign_key_violation.
func foreignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}
