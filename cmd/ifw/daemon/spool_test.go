package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/spool"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// fakeShared is a shared database that can be taken down: every write
// then fails with alerts.ErrUnavailable; the writes it took are listed in
// order.
type fakeShared struct {
	mu     sync.Mutex
	down   bool
	nextID int64
	writes []string
	blocks map[netip.Prefix]bool
}

func newFakeShared() *fakeShared { return &fakeShared{blocks: map[netip.Prefix]bool{}} }

var errFakeDown = &alerts.StorageError{Op: "write", Path: "fake", Fault: alerts.FaultUnavailable, Err: errors.New("connection refused")}

func (f *fakeShared) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *fakeShared) take(w string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errFakeDown
	}
	f.writes = append(f.writes, w)
	return nil
}

func (f *fakeShared) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

func (f *fakeShared) AddAlert(_ context.Context, a *alerts.Alert) (int64, error) {
	w := fmt.Sprintf("alert %s", a.Reasons)
	for _, o := range a.Outcomes {
		w += " +" + o.Action
	}
	if err := f.take(w); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	a.ID = f.nextID
	return a.ID, nil
}

func (f *fakeShared) AddOutcome(_ context.Context, id int64, o alerts.Outcome) error {
	return f.take(fmt.Sprintf("outcome %d %s", id, o.Action))
}

func (f *fakeShared) AddBlock(_ context.Context, b alerts.Block) (int64, error) {
	if err := f.take("block " + b.Prefix.String()); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocks[b.Prefix] = true
	return 1, nil
}

func (f *fakeShared) RemoveBlock(_ context.Context, p netip.Prefix, _ alerts.RemovedWhy, _ time.Time) error {
	if err := f.take("unblock " + p.String()); err != nil {
		return err
	}
	return nil
}

func (f *fakeShared) AddQuestion(_ context.Context, q alerts.Question) (int64, error) {
	return 1, f.take("question " + q.Dst.String())
}

func testSpooler(t *testing.T, dir string, store storeWrites) *spooler {
	t.Helper()
	sp, err := spool.New(spool.Config{Dir: dir, NoSync: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sp.Close() })
	s := newSpooler(store, sp, slog.New(slog.DiscardHandler))
	s.dir = dir
	return s
}

func testAlert(reason string) *alerts.Alert {
	return &alerts.Alert{Time: time.Now(), Src: netip.MustParseAddr("203.0.113.7"), Level: 3, Reasons: reason}
}

func mustWrite(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSpoolerOutage: with the database down, alerts, their outcomes,
// blocks, unblocks and questions are kept (the caller is told they are);
// the status and the heartbeat say degraded and how many; when it is back
// everything is delivered once, in the order it was made, and writes go
// directly again.
func TestSpoolerOutage(t *testing.T) {
	db := newFakeShared()
	s := testSpooler(t, filepath.Join(t.TempDir(), "spool"), db)
	ctx := context.Background()
	before := testAlert("before")
	_, err := s.AddAlert(ctx, before)
	mustWrite(t, err)
	if before.ID != 1 {
		t.Fatalf("a direct write's id %d", before.ID)
	}
	db.setDown(true)
	mustWrite(t, s.AddOutcome(ctx, before.ID, alerts.Outcome{Action: "mail", OK: true}))
	a1 := testAlert("during1")
	_, err = s.AddAlert(ctx, a1)
	mustWrite(t, err)
	if a1.ID >= 0 {
		t.Fatalf("a spooled alert has id %d, want a provisional (negative) one", a1.ID)
	}
	p := netip.MustParsePrefix("203.0.113.7/32")
	_, err = s.AddBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockAuto})
	mustWrite(t, err)
	mustWrite(t, s.AddOutcome(ctx, a1.ID, alerts.Outcome{Action: "block", OK: true}))
	mustWrite(t, s.RemoveBlock(ctx, p, alerts.RemovedDeleted, time.Now()))
	_, err = s.AddQuestion(ctx, alerts.Question{Dst: netip.MustParseAddr("192.0.2.1")})
	mustWrite(t, err)
	a2 := testAlert("during2")
	_, err = s.AddAlert(ctx, a2)
	mustWrite(t, err)

	if h := s.health(); !h.Degraded || h.Queued != 7 {
		t.Fatalf("health during the outage %+v", h)
	}
	var st control.StoreStatus
	s.status(&st)
	if !st.Degraded || st.Queued != 7 || st.Spool == nil || !st.Spool.Down || st.LastError == "" {
		t.Fatalf("status during the outage %+v %+v", st, st.Spool)
	}
	s.drain(ctx) // still down: nothing delivered, nothing lost
	if len(db.list()) != 1 || s.spool.Len() != 7 {
		t.Fatalf("delivered while down: %v", db.list())
	}

	db.setDown(false)
	a3 := testAlert("after-back") // the database is back but the spool is not delivered: queued behind
	_, err = s.AddAlert(ctx, a3)
	mustWrite(t, err)
	s.drain(ctx)
	want := []string{
		"alert before", "outcome 1 mail", "alert during1", "block 203.0.113.7/32", "outcome 2 block",
		"unblock 203.0.113.7/32", "question 192.0.2.1", "alert during2", "alert after-back",
	}
	if got := db.list(); !slices.Equal(got, want) {
		t.Fatalf("delivered\n%q\nwant\n%q", got, want)
	}
	if h := s.health(); h.Degraded || h.Queued != 0 {
		t.Fatalf("health after delivery %+v", h)
	}
	a4 := testAlert("direct")
	_, err = s.AddAlert(ctx, a4)
	mustWrite(t, err)
	if a4.ID <= 0 || s.spool.Len() != 0 {
		t.Fatalf("not written directly once delivered: id %d, queued %d", a4.ID, s.spool.Len())
	}
	// a late outcome of an alert that was spooled goes to its stored id
	mustWrite(t, s.AddOutcome(ctx, a2.ID, alerts.Outcome{Action: "late"}))
	if got := db.list(); got[len(got)-1] != "outcome 3 late" {
		t.Fatalf("late outcome of a spooled alert: %q", got[len(got)-1])
	}
	s.status(&st)
	if st.Spool.Outages != 1 || st.Spool.Delivered != 8 || st.Spool.Down {
		t.Fatalf("status after %+v", st.Spool)
	}
}

// TestSpoolerRestart: a daemon stopped during an outage delivers what it
// spooled after its next start, before anything new; an outcome of an
// alert spooled by the earlier run is sent with its alert (the store
// finds the alert by uid and adds the outcome once).
func TestSpoolerRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	db := newFakeShared()
	db.setDown(true)
	s := testSpooler(t, dir, db)
	ctx := context.Background()
	a := testAlert("first-run")
	_, err := s.AddAlert(ctx, a)
	mustWrite(t, err)
	mustWrite(t, s.AddOutcome(ctx, a.ID, alerts.Outcome{Action: "script"}))
	s.spool.Close()

	db.setDown(false)
	s2 := testSpooler(t, dir, db)
	if h := s2.health(); !h.Degraded || h.Queued != 2 {
		t.Fatalf("health after a restart with a spool %+v", h)
	}
	_, err = s2.AddAlert(ctx, testAlert("second-run")) // queued behind the earlier run's
	mustWrite(t, err)
	s2.drain(ctx)
	want := []string{"alert first-run", "outcome 1 script", "alert second-run"}
	if got := db.list(); !slices.Equal(got, want) {
		t.Fatalf("delivered %q, want %q", got, want)
	}
}

// TestSpoolRecordsBlockDuringOutage: the blocker's reads are answered
// from the known active blocks while the database is down, so blocking
// goes on; the block reaches the database when it is back.
func TestSpoolRecordsBlockDuringOutage(t *testing.T) {
	db := newFakeShared()
	db.setDown(true)
	s := testSpooler(t, filepath.Join(t.TempDir(), "spool"), db)
	mustWrite(t, func() error { s.noteDown(errFakeDown); return nil }())
	r := newSpoolRecords(nil, s) // no store reads while down
	ctx := context.Background()
	p := netip.MustParsePrefix("198.51.100.9/32")
	if n, err := r.BlockCount(ctx, p, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("count while down: %d %v", n, err)
	}
	_, err := r.AddBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockManual, Created: time.Now()})
	mustWrite(t, err)
	if recs, err := r.Blocks(ctx, alerts.BlockQuery{Prefix: p, Limit: 1}); err != nil || len(recs) != 1 {
		t.Fatalf("the active block while down: %v %v", recs, err)
	}
	if recs, err := r.ActiveBlocks(ctx); err != nil || len(recs) != 1 {
		t.Fatalf("active blocks while down: %v %v", recs, err)
	}
	db.setDown(false)
	s.drain(ctx)
	if got := db.list(); !slices.Equal(got, []string{"block 198.51.100.9/32"}) {
		t.Fatalf("delivered %q", got)
	}
}
