package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Source is what Build reads: the query methods of *alerts.Store. Build
// calls it from several goroutines at once.
type Source interface {
	Alerts(ctx context.Context, q alerts.Query) ([]alerts.Alert, error)
	Blocks(ctx context.Context, q alerts.BlockQuery) ([]alerts.Block, error)
	// Questions returns the outbound questions closed in [from, to).
	Questions(ctx context.Context, from, to time.Time) ([]alerts.Question, error)
	// Windows returns the attackers' scan windows whose last packet
	// counted falls in [from, to), with their packet counts.
	Windows(ctx context.Context, from, to time.Time) ([]signatures.Window, error)
}

var _ Source = (*alerts.Store)(nil)

// Build reports on the period [opts.From, opts.To) from the alerts and
// blocks in src, and from its outbound questions when opts.Outbound. It
// reads src and nothing else: the time comes from opts.
func Build(ctx context.Context, src Source, opts Options) (*Report, error) {
	if err := opts.validate(true); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	f := facts{origin: OriginStore, period: Period{From: opts.From, To: opts.To}, withBlocks: true,
		compare: opts.Compare, withOutbound: opts.Outbound}
	var err error
	if f.alerts, err = readAlerts(ctx, src, f.period, opts.OnlyHost); err != nil {
		return nil, err
	}
	if f.windows, err = src.Windows(ctx, f.period.From, f.period.To); err != nil {
		return nil, fmt.Errorf("report: read windows: %w", err)
	}
	if f.compare {
		prev := previousPeriod(f.period)
		if f.previous, err = readAlerts(ctx, src, prev, opts.OnlyHost); err != nil {
			return nil, err
		}
		if f.previousWindows, err = src.Windows(ctx, prev.From, prev.To); err != nil {
			return nil, fmt.Errorf("report: read windows: %w", err)
		}
	}
	// Blocks made before the period count too when they end in it or are
	// still in force: read them all, ended ones included.
	if f.blocks, err = src.Blocks(ctx, alerts.BlockQuery{IncludeRemoved: true, Host: opts.OnlyHost}); err != nil {
		return nil, fmt.Errorf("report: read blocks: %w", err)
	}
	if f.withOutbound {
		if f.questions, err = src.Questions(ctx, f.period.From, f.period.To); err != nil {
			return nil, fmt.Errorf("report: read outbound questions: %w", err)
		}
	}
	return assemble(f, opts), nil
}

// readSlices is how many parts of a period are read at once: decoding
// rows is most of a report's time, and the store serves reads on several
// connections (alerts.DefaultMaxReaders).
const readSlices = 4

// readAlerts reads the alerts of p of host ("": every host), in
// readSlices parts read concurrently.
func readAlerts(ctx context.Context, src Source, p Period, host string) ([]alerts.Alert, error) {
	parts := make([][]alerts.Alert, readSlices)
	errs := make([]error, readSlices)
	var wg sync.WaitGroup
	for i, part := range split(p, readSlices) {
		wg.Go(func() {
			parts[i], errs[i] = src.Alerts(ctx, alerts.Query{Since: part.From, Until: part.To, Host: host})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("report: read alerts from %s to %s: %w", p.From, p.To, err)
	}
	return slices.Concat(parts...), nil
}

// split cuts p into n consecutive parts that cover it exactly.
func split(p Period, n int) []Period {
	out := make([]Period, n)
	part, from := p.Duration()/time.Duration(n), p.From
	for i := range n {
		to := from.Add(part)
		if i == n-1 {
			to = p.To
		}
		out[i] = Period{From: from, To: to}
		from = to
	}
	return out
}
