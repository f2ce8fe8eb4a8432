package report

import (
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// previousPeriod is the period as long as p that ends where p starts.
func previousPeriod(p Period) Period {
	return Period{From: p.From.Add(-p.Duration()), To: p.From}
}

// comparison sums up the previous period's alerts and windows and the
// blocks made in it, against the report's totals cur.
func comparison(prev []alerts.Alert, windows []signatures.Window, blocks []alerts.Block, p Period, cur Totals) *Comparison {
	c := &Comparison{Period: p}
	c.Totals, c.AttackersByLevel = totals(len(prev), tallies(prev, windows, false))
	c.Totals.Blocks = blocksMade(blocks, p)
	c.Delta = cur.minus(c.Totals)
	return c
}
