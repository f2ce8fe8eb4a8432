package report

import (
	"errors"
	"fmt"
	"time"
)

// Bounds of Options.Top.
const (
	DefaultTop = 10   // entries per top list when Options.Top is 0
	MaxTop     = 1000 // the most a top list may hold
)

// ErrOptions is what an invalid Options wraps.
var ErrOptions = errors.New("report: invalid options")

// Options say what to report on.
type Options struct {
	// From and To are the period, [From, To): alerts at or after From and
	// before To. Build needs both; FromAnalysis takes the attackers' first
	// and last packet when either is zero. Times are shown in From's
	// location.
	From, To time.Time
	// Top is how many entries each top list holds (DefaultTop when 0).
	Top int
	// Host names the machine the report is about.
	Host string
	// OnlyHost restricts Build to the alerts and blocks of this host ("":
	// the alerts of every host in the store, the blocks of the store's
	// own). The outbound questions and the windows are those of the
	// store's host (alerts.Config.Host: open the store with it).
	OnlyHost string
	// Collectors is the collectors' health from the daemon's status; it
	// may be empty (no daemon, or none reported).
	Collectors []CollectorHealth
	// Compare adds the same totals for the period just before (Build only).
	Compare bool
	// Outbound says the outbound module (the daemon's [verdict] section) is
	// enabled: Build then sums up its questions (Report.Outbound), zeros
	// included; false leaves Report.Outbound nil. FromAnalysis ignores it.
	Outbound bool
	// Rules are the outbound rules with their hits, from the daemon (its
	// status or the control API); nil when not known. With Outbound, the
	// most hit go in Report.Outbound.RuleHits.
	Rules []RuleHit
	// Now is when the report is made (Report.Generated); zero: To.
	Now time.Time
}

// withDefaults fills Top and Now.
func (o Options) withDefaults() Options {
	if o.Top == 0 {
		o.Top = DefaultTop
	}
	if o.Now.IsZero() {
		o.Now = o.To
	}
	return o
}

// validate checks o without I/O; needPeriod asks for From and To.
func (o Options) validate(needPeriod bool) error {
	switch {
	case o.Top < 0 || o.Top > MaxTop:
		return fmt.Errorf("%w: top %d is not 0-%d", ErrOptions, o.Top, MaxTop)
	case !needPeriod && (o.From.IsZero() || o.To.IsZero()):
		return nil
	case o.From.IsZero() || o.To.IsZero():
		return fmt.Errorf("%w: the period needs a start and an end", ErrOptions)
	case !o.To.After(o.From):
		return fmt.Errorf("%w: the period ends (%s) before it starts (%s)",
			ErrOptions, o.To.Format(time.RFC3339), o.From.Format(time.RFC3339))
	}
	return nil
}
