package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded) && !alerts.Unreachable(err):
		return fmt.Errorf("fleet: %s: %w", op, err)
	case alerts.Unreachable(err):
		return fmt.Errorf("fleet: %s: %w: %w", op, alerts.ErrUnavailable, err)
	}
	return fmt.Errorf("fleet: %s: %w", op, err)
}

func nowNanos() int64 { return time.Now().UnixNano() }
