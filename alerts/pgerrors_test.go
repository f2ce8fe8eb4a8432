package alerts

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestClassifyPG: PostgreSQL's errors map to the store's faults; every
// kind of unreachable server is FaultUnavailable; other errors are not
// PostgreSQL's.
func TestClassifyPG(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code}) }
	for _, tt := range []struct {
		err  error
		want Fault
		ok   bool
	}{
		{pg("57P01"), FaultUnavailable, true}, // admin shutdown
		{pg("57P03"), FaultUnavailable, true}, // starting up
		{pg("08006"), FaultUnavailable, true}, // connection failure
		{pg("53300"), FaultUnavailable, true}, // too many connections
		{&net.OpError{Op: "dial", Net: "unix", Err: syscall.ECONNREFUSED}, FaultUnavailable, true},
		{fmt.Errorf("x: %w", driver.ErrBadConn), FaultUnavailable, true},
		{pg("53100"), FaultFull, true},
		{pg("25006"), FaultReadOnly, true},
		{pg("42501"), FaultReadOnly, true},
		{pg("XX001"), FaultCorrupt, true},
		{pg("40P01"), FaultBusy, true},
		{pg("58030"), FaultIO, true},
		{pg("23505"), FaultOther, true},
		{errors.New("not postgres"), FaultOther, false},
		{fmt.Errorf("open: %w", syscall.EACCES), FaultOther, false},
	} {
		if got, ok := classifyPG(tt.err); got != tt.want || ok != tt.ok {
			t.Errorf("%v: %v %v, want %v %v", tt.err, got, ok, tt.want, tt.ok)
		}
	}
	s := &Store{d: dialect{pg: true}, where: "postgres ifw"}
	if err := s.fail("add alert", pg("57P01")); !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrStorage) {
		t.Errorf("fail: %v", err)
	}
	if !foreignKeyViolation(pg("23503")) || foreignKeyViolation(pg("23505")) {
		t.Error("foreign key violation")
	}
}
