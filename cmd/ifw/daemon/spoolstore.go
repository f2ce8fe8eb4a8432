package daemon

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/alerts/spool"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// How long one write to a shared database may take before the database
// counts as down (a dead TCP peer must not stall the pipeline), how often
// the spool is offered to it again, and how many provisional alert ids
// are remembered for their late outcomes.
const (
	spoolWriteTimeout = 2 * time.Second
	spoolRetry        = time.Second
	spoolBatch        = 64
	maxProvisional    = 16384
)

// storeWrites is what the daemon writes to the store; *alerts.Store
// implements it.
type storeWrites interface {
	AddAlert(ctx context.Context, a *alerts.Alert) (int64, error)
	AddOutcome(ctx context.Context, alertID int64, o alerts.Outcome) error
	AddBlock(ctx context.Context, b alerts.Block) (int64, error)
	RemoveBlock(ctx context.Context, prefix netip.Prefix, why alerts.RemovedWhy, at time.Time) error
	AddQuestion(ctx context.Context, q alerts.Question) (int64, error)
}

// spooler stands between the daemon and a shared database (PostgreSQL):
// a write the database cannot take because it is unreachable goes to the
// outage spool on local disk, and so does every write after it while the
// spool is not empty, so that the database receives them in the order
// they were made; run delivers the spool when the database answers again.
// Detection and blocking never wait on it for more than one short write.
type spooler struct {
	store storeWrites
	spool *spool.Spool
	dir   string
	log   *slog.Logger

	mu       sync.Mutex // orders the writes: direct, or appended to the spool
	down     bool
	lastErr  string
	outages  uint64
	lost     uint64 // writes neither stored nor spooled (the spool's disk failed)
	rejected uint64 // spooled writes the database refused on delivery (logged)
	// Alerts spooled have a provisional (negative) id until delivered:
	// their outcomes find them by it, with the run that gave it (a spool
	// outlives its daemon: the next run delivers it).
	runName   string
	nextProv  int64
	prov      map[provKey]*provisional
	provOrder []provKey
}

type provKey struct {
	run string
	id  int64
}

type provisional struct {
	alert alerts.Alert // without outcomes; its UID makes a resend harmless
	real  int64        // the store's id once delivered
}

func newSpooler(store storeWrites, sp *spool.Spool, log *slog.Logger) *spooler {
	s := &spooler{store: store, spool: sp, log: log.With("module", "spool"), prov: make(map[provKey]*provisional),
		runName: rand.Text()[:12]}
	if sp.Len() > 0 {
		s.down = true // deliver what an earlier run left before writing anything new
	}
	return s
}

// unavailable reports an error that means "the database is not there":
// the write is spooled.
func unavailable(err error) bool {
	return errors.Is(err, alerts.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
}

// write makes one write: directly while the database is up and nothing
// waits in the spool, otherwise (or when the direct write finds the
// database down) by appending rec() to the spool. rec is called after the
// direct attempt, which may have given the alert its uid.
func (s *spooler) write(ctx context.Context, direct func(context.Context) error, rec func() spoolRecord) (spooled bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.down && s.spool.Len() == 0 {
		wctx, cancel := context.WithTimeout(ctx, spoolWriteTimeout)
		err := direct(wctx)
		cancel()
		if !unavailable(err) {
			return false, err
		}
		s.goDown(err)
	}
	b, err := json.Marshal(rec())
	if err == nil {
		err = s.spool.Append(b)
	}
	if err != nil {
		s.lost++
		s.log.Error("write lost: the database is unreachable and the spool failed", "err", err)
		return false, fmt.Errorf("database unreachable, spool failed: %w", err)
	}
	return true, nil
}

// goDown notes an outage (s.mu held).
func (s *spooler) goDown(err error) {
	s.lastErr = err.Error()
	if !s.down {
		s.down = true
		s.outages++
		s.log.Warn("store unreachable: writes are spooled on local disk and delivered in order when it is back; detecting and blocking go on",
			"err", err)
	}
}

func (s *spooler) AddAlert(ctx context.Context, a *alerts.Alert) (int64, error) {
	var prov int64
	spooled, err := s.write(ctx, func(ctx context.Context) error {
		_, err := s.store.AddAlert(ctx, a)
		return err
	}, func() spoolRecord {
		prov = s.provisional(*a)
		c := *a
		c.ID = 0
		return spoolRecord{Kind: spoolAlert, Alert: &c, Run: s.runName, Prov: prov}
	})
	if err != nil {
		return 0, err
	}
	if spooled {
		a.ID = prov
	}
	return a.ID, nil
}

// provisional hands out the next provisional id for a (s.mu held),
// forgetting the oldest past maxProvisional.
func (s *spooler) provisional(a alerts.Alert) int64 {
	s.nextProv--
	a.ID, a.Outcomes = 0, nil
	s.remember(provKey{s.runName, s.nextProv}, &provisional{alert: a})
	return s.nextProv
}

// remember keeps p under k (s.mu held), forgetting the oldest past
// maxProvisional.
func (s *spooler) remember(k provKey, p *provisional) {
	s.prov[k] = p
	s.provOrder = append(s.provOrder, k)
	if len(s.provOrder) > maxProvisional {
		delete(s.prov, s.provOrder[0])
		s.provOrder = s.provOrder[1:]
	}
}

// AddOutcome records an action's outcome (alerts.Recorder), also for an
// alert that is still in the spool (a provisional id).
func (s *spooler) AddOutcome(ctx context.Context, alertID int64, o alerts.Outcome) error {
	rec := spoolRecord{Kind: spoolOutcome, AlertID: alertID, Outcome: &o}
	if alertID < 0 {
		s.mu.Lock()
		p, ok := s.prov[provKey{s.runName, alertID}]
		s.mu.Unlock()
		if !ok {
			return fmt.Errorf("alerts: add outcome: provisional alert %d forgotten: %w", alertID, alerts.ErrUnknownAlert)
		}
		a := p.alert
		rec.AlertID, rec.Alert, rec.Run, rec.Prov = 0, &a, s.runName, alertID
	}
	_, err := s.write(ctx, func(ctx context.Context) error { // s.mu held
		id, err := s.deliverOutcome(ctx, rec, s.realID(rec))
		s.setReal(rec, id)
		return err
	}, func() spoolRecord { return rec })
	return err
}

// realID is the store's id of rec's alert, 0 when unknown (s.mu held).
func (s *spooler) realID(rec spoolRecord) int64 {
	if p := s.prov[provKey{rec.Run, rec.Prov}]; rec.Prov < 0 && p != nil {
		return p.real
	}
	return rec.AlertID
}

// setReal notes the store's id of rec's provisional alert (s.mu held);
// one of an earlier run is remembered from its alert record on.
func (s *spooler) setReal(rec spoolRecord, id int64) {
	if rec.Prov >= 0 || id <= 0 {
		return
	}
	k := provKey{rec.Run, rec.Prov}
	if p := s.prov[k]; p != nil {
		p.real = id
	} else if rec.Kind == spoolAlert {
		s.remember(k, &provisional{real: id})
	}
}

func (s *spooler) AddBlock(ctx context.Context, b alerts.Block) (int64, error) {
	var id int64
	_, err := s.write(ctx, func(ctx context.Context) (err error) { id, err = s.store.AddBlock(ctx, b); return err },
		func() spoolRecord { return spoolRecord{Kind: spoolBlock, Block: &b} })
	return id, err
}

func (s *spooler) RemoveBlock(ctx context.Context, p netip.Prefix, why alerts.RemovedWhy, at time.Time) error {
	_, err := s.write(ctx, func(ctx context.Context) error { return s.store.RemoveBlock(ctx, p, why, at) },
		func() spoolRecord { return spoolRecord{Kind: spoolUnblock, Prefix: p, Why: why, At: at} })
	return err
}

func (s *spooler) AddQuestion(ctx context.Context, q alerts.Question) (int64, error) {
	var id int64
	_, err := s.write(ctx, func(ctx context.Context) (err error) { id, err = s.store.AddQuestion(ctx, q); return err },
		func() spoolRecord { return spoolRecord{Kind: spoolQuestion, Question: &q} })
	return id, err
}

// run offers the spool to the database every spoolRetry until ctx ends.
func (s *spooler) run(ctx context.Context) error {
	t := time.NewTicker(spoolRetry)
	defer t.Stop()
	for {
		if err := s.spool.Sync(); err != nil {
			s.log.Error("spool not synced", "err", err)
		}
		s.drain(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// drain delivers the spool in order until it is empty (the database is
// up again: direct writes resume) or the database fails again.
func (s *spooler) drain(ctx context.Context) {
	delivered := 0
	for ctx.Err() == nil {
		recs, err := s.spool.Peek(spoolBatch)
		if err != nil {
			s.log.Error("spool not read", "err", err)
			return
		}
		if len(recs) == 0 {
			s.up(delivered)
			return
		}
		n, err := s.deliverAll(ctx, recs)
		if n > 0 {
			delivered += n
			if err := s.spool.Ack(recs[n-1]); err != nil {
				s.log.Error("spool: delivery not acknowledged", "err", err)
			}
		}
		if err != nil {
			s.mu.Lock()
			s.goDown(err)
			s.mu.Unlock()
			return
		}
	}
}

// up ends the outage once the spool is empty (checked under s.mu: no
// write slips into the spool after the check).
func (s *spooler) up(delivered int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spool.Len() > 0 || !s.down {
		return
	}
	s.down, s.lastErr = false, ""
	s.log.Info("store reachable again: every spooled write is delivered; writing directly again", "delivered", delivered)
}

// deliverAll delivers recs in order; it returns how many were done
// (stored, or refused by the database for good: logged, counted) and the
// error that stopped it when the database is unreachable.
func (s *spooler) deliverAll(ctx context.Context, recs []spool.Record) (int, error) {
	for i, r := range recs {
		var rec spoolRecord
		err := json.Unmarshal(r.Data, &rec)
		if err == nil {
			wctx, cancel := context.WithTimeout(ctx, spoolWriteTimeout)
			err = s.deliver(wctx, rec)
			cancel()
			if unavailable(err) {
				return i, err
			}
		}
		if err != nil {
			s.mu.Lock()
			s.rejected++
			s.mu.Unlock()
			s.log.Error("spooled write refused by the store; given up", "kind", rec.Kind, "err", err)
		}
	}
	return len(recs), nil
}

// deliver makes one spooled write.
func (s *spooler) deliver(ctx context.Context, rec spoolRecord) error {
	switch rec.Kind {
	case spoolAlert:
		a := *rec.Alert
		a.ID = 0
		id, err := s.store.AddAlert(ctx, &a)
		s.mu.Lock()
		s.setReal(rec, id)
		s.mu.Unlock()
		return err
	case spoolOutcome:
		s.mu.Lock()
		known := s.realID(rec)
		s.mu.Unlock()
		id, err := s.deliverOutcome(ctx, rec, known)
		s.mu.Lock()
		s.setReal(rec, id)
		s.mu.Unlock()
		return err
	case spoolBlock:
		_, err := s.store.AddBlock(ctx, *rec.Block)
		return err
	case spoolUnblock:
		err := s.store.RemoveBlock(ctx, rec.Prefix, rec.Why, rec.At)
		if errors.Is(err, alerts.ErrNotBlocked) {
			return nil // its block was given up with the oldest records, or ended meanwhile
		}
		return err
	case spoolQuestion:
		_, err := s.store.AddQuestion(ctx, *rec.Question)
		return err
	}
	return fmt.Errorf("unknown spooled record %q", rec.Kind)
}

// deliverOutcome stores an outcome: by its alert's id when known (id > 0:
// stored before the outage, or delivered from the spool in this run),
// else with its alert again, which the store finds by uid; it returns the
// alert's id.
func (s *spooler) deliverOutcome(ctx context.Context, rec spoolRecord, id int64) (int64, error) {
	if id > 0 {
		return id, s.store.AddOutcome(ctx, id, *rec.Outcome)
	}
	if rec.Alert == nil {
		return 0, fmt.Errorf("outcome of no alert: %w", alerts.ErrUnknownAlert)
	}
	a := *rec.Alert
	a.ID, a.Outcomes = 0, []alerts.Outcome{*rec.Outcome}
	return s.store.AddAlert(ctx, &a)
}

// isDown reports an outage under way, or its writes not all delivered
// yet: reads of the database would miss them.
func (s *spooler) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down || s.spool.Len() > 0
}

// noteDown starts an outage a read found.
func (s *spooler) noteDown(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.goDown(err)
}

// health is what the fleet heartbeat says of this daemon.
func (s *spooler) health() fleet.Health {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fleet.Health{Degraded: s.down || s.spool.Len() > 0, Queued: int64(s.spool.Len())}
}

// status fills in the spool's part of the store status.
func (s *spooler) status(st *control.StoreStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.spool.Stats()
	st.Degraded = st.Degraded || s.down || ss.Queued > 0
	st.Queued, st.SpoolDropped = ss.Queued, ss.Dropped+s.lost
	if s.lastErr != "" && st.LastError == "" {
		st.LastError = s.lastErr
	}
	st.Spool = &control.SpoolStatus{Dir: s.dir, Down: s.down, Queued: ss.Queued, Bytes: ss.Bytes, Segments: ss.Segments,
		Spooled: ss.Appended, Delivered: ss.Delivered, Dropped: ss.Dropped, Lost: s.lost, Rejected: s.rejected,
		Damaged: ss.Damaged, Outages: s.outages}
}
