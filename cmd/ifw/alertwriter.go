package main

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/alerts"
)

// writeAttempts is how often an alert write is tried before it is given up
// (logged and counted): a full or broken disk must not stall detection.
const writeAttempts = 3

// alertWriter stores alerts in order, the step before any action.
type alertWriter struct {
	store   *alerts.Store
	log     *slog.Logger
	latency *latencies
	stored  atomic.Uint64
	failed  atomic.Uint64
	lastID  atomic.Int64       // the id of the last alert stored
	after   func(alerts.Alert) // what sees a stored alert (actions); may be nil
}

// run writes until the pipeline closes pending.
func (w *alertWriter) run(pending <-chan pendingAlert) error {
	for pa := range pending {
		if pa.barrier != nil {
			close(pa.barrier)
			continue
		}
		w.write(pa)
	}
	return nil
}

func (w *alertWriter) write(pa pendingAlert) {
	var err error
	for try := 0; try < writeAttempts; try++ {
		if try > 0 {
			time.Sleep(time.Duration(try) * 100 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = w.store.AddAlert(ctx, &pa.alert)
		cancel()
		if err == nil || permanent(err) {
			break
		}
	}
	if err != nil {
		w.failed.Add(1)
		w.log.Error("alert not stored", "src", pa.alert.Src, "level", pa.alert.Level, "err", err)
		return
	}
	w.stored.Add(1)
	w.lastID.Store(pa.alert.ID)
	w.latency.add(pa.alert.Collector, time.Since(pa.alert.Time))
	if w.after != nil {
		w.after(pa.alert)
	}
}

// permanent reports a storage fault that retrying at once will not cure.
func permanent(err error) bool {
	return errors.Is(err, alerts.ErrFull) || errors.Is(err, alerts.ErrReadOnly) || errors.Is(err, alerts.ErrClosed)
}
