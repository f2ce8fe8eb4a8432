package daemon

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// writeAttempts is how often an alert write is tried at once before the
// alert is kept for later (logged and counted): a full or broken disk must
// not stall detection.
const writeAttempts = 3

// maxUnstored bounds the alerts kept in memory while the store fails; past
// it the oldest are given up (counted). retryEvery is how often they are
// tried again when no new alert comes to try them first.
const (
	maxUnstored = 4096
	retryEvery  = 10 * time.Second
)

// alertStore is where the writer stores alerts.
type alertStore interface {
	AddAlert(ctx context.Context, a *alerts.Alert) (int64, error)
}

// alertWriter stores alerts in order, then hands each to what acts on it.
// Acting never depends on the store: an alert the store refuses (a full
// disk, an I/O error) is acted on all the same, kept in a bounded queue and
// stored when the store takes writes again.
type alertWriter struct {
	store   alertStore // the store, or the outage spool in front of it
	log     *slog.Logger
	latency *latencies
	stored  atomic.Uint64
	failed  atomic.Uint64 // writes that failed (each alert once)
	lastID  atomic.Int64  // the id of the last alert stored
	// after acts on an alert (blocking, actions), told whether a log
	// prefix of its source matched [block] auto_regex; may be nil.
	after func(a alerts.Alert, prefixMatched bool)

	mu       sync.Mutex
	unstored []alerts.Alert // acted on, not stored yet, oldest first
	dropped  uint64         // given up: the queue was full
	lastErr  string         // the store's last write error, "" once it works
}

// run writes until the pipeline closes pending, and retries the alerts
// the store refused every retryEvery meanwhile.
func (w *alertWriter) run(pending <-chan pendingAlert) error {
	tick := time.NewTicker(retryEvery)
	defer tick.Stop()
	for {
		select {
		case pa, ok := <-pending:
			if !ok {
				return nil
			}
			if pa.barrier != nil {
				close(pa.barrier)
				continue
			}
			w.write(pa)
		case <-tick.C:
			w.retry()
		}
	}
}

// write stores pa's alert (after the older ones still waiting) and acts
// on it whether or not the store took it.
func (w *alertWriter) write(pa pendingAlert) {
	w.retry()
	if err := w.add(&pa.alert); err != nil {
		w.failed.Add(1)
		w.keep(pa.alert, err)
		w.log.Error("alert not stored; acting on it all the same, kept to be stored later",
			"src", pa.alert.Src, "level", pa.alert.Level, "err", err)
	} else {
		w.stored.Add(1)
		if pa.alert.ID > 0 { // not a provisional id of the outage spool
			w.lastID.Store(pa.alert.ID)
		}
		w.latency.add(pa.alert.Collector, time.Since(pa.alert.Time))
	}
	if w.after != nil {
		w.after(pa.alert, pa.prefixMatched)
	}
}

// add writes a, retrying a passing fault a few times.
func (w *alertWriter) add(a *alerts.Alert) error {
	var err error
	for try := 0; try < writeAttempts; try++ {
		if try > 0 {
			time.Sleep(time.Duration(try) * 100 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = w.store.AddAlert(ctx, a)
		cancel()
		if err == nil || permanent(err) {
			break
		}
	}
	return err
}

// keep queues an alert the store refused, giving up the oldest when full.
func (w *alertWriter) keep(a alerts.Alert, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.unstored) == maxUnstored {
		w.unstored = w.unstored[1:]
		w.dropped++
	}
	w.unstored = append(w.unstored, a)
	w.lastErr = err.Error()
}

// retry stores the waiting alerts, oldest first, until the store refuses
// one (it is then still failing: the rest wait for the next try).
func (w *alertWriter) retry() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.unstored) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := w.store.AddAlert(ctx, &w.unstored[0])
		cancel()
		if err != nil {
			w.lastErr = err.Error()
			return
		}
		if w.unstored[0].ID > 0 {
			w.lastID.Store(w.unstored[0].ID)
		}
		w.unstored[0] = alerts.Alert{}
		w.unstored = w.unstored[1:]
		w.stored.Add(1)
	}
	if w.lastErr != "" {
		w.log.Info("the store takes writes again; every waiting alert is stored")
	}
	w.unstored, w.lastErr = nil, ""
}

// status is the store's part of the status: degraded while alerts wait
// to be stored.
func (w *alertWriter) status() control.StoreStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	return control.StoreStatus{Degraded: len(w.unstored) > 0 || w.lastErr != "", Unstored: len(w.unstored),
		Dropped: w.dropped, LastError: w.lastErr}
}

// permanent reports a storage fault that retrying at once will not cure.
func permanent(err error) bool {
	return errors.Is(err, alerts.ErrFull) || errors.Is(err, alerts.ErrReadOnly) || errors.Is(err, alerts.ErrClosed)
}
