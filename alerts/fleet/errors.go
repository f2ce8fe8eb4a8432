package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ifw/ifw/alerts"
)

// ErrSchema: the fleet's tables were migrated by a newer ifw.
var ErrSchema = errors.New("fleet schema is newer than this build")

// wrap wraps err from op; a server that cannot be reached matches
// alerts.ErrUnavailable, so callers keep the work for later.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded) && !unreachable(err):
		return fmt.Errorf("fleet: %s: %w", op, err)
	case unreachable(err):
		return fmt.Errorf("fleet: %s: %w: %w", op, alerts.ErrUnavailable, err)
	}
	return fmt.Errorf("fleet: %s: %w", op, err)
}

// unreachable reports whether err says the server could not be reached or
// went away (as opposed to refusing a statement).
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now (starting up).
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

func nowNanos() int64 { return time.Now().UnixNano() }
