package report

import (
	"time"

	"github.com/ifw/ifw/signatures"
)

// Where a report's numbers come from (Report.Origin).
const (
	OriginStore = "store" // Build: the daemon's alerts and blocks
	OriginLog   = "log"   // FromAnalysis: ifw analyze's attackers, one alert each
)

// Levels is a count per danger level; the index is the level (0-5).
type Levels [signatures.MaxLevel + 1]int

// Report is the picture of one period. Its lists are sorted and never nil,
// so that the same data always renders the same way.
type Report struct {
	Origin    string    `json:"origin"`
	Period    Period    `json:"period"`
	Host      string    `json:"host"`
	Generated time.Time `json:"generated"`
	Totals    Totals    `json:"totals"`
	// AttackersByLevel counts the attackers by their highest level in the
	// period.
	AttackersByLevel Levels           `json:"attackers_by_level"`
	TopAttackers     []Attacker       `json:"top_attackers"`
	TopPorts         []PortCount      `json:"top_ports"`
	TopSignatures    []SignatureCount `json:"top_signatures"`
	TopScanClasses   []ScanClassCount `json:"top_scan_classes"`
	// Blocks is nil when the report comes from a log (no store to read).
	Blocks *BlockSummary `json:"blocks"`
	// Outbound is nil when the outbound (NFQUEUE) module is not in use
	// (Options.Outbound false, or a report from a log).
	Outbound   *OutboundSummary  `json:"outbound"`
	Collectors []CollectorHealth `json:"collectors"`
	// BucketHours is the width of the Hourly and LevelsOverTime buckets:
	// 1 for periods up to 8 days, wider for longer ones (see bucketHours).
	BucketHours    int           `json:"bucket_hours"`
	Hourly         []HourBucket  `json:"hourly"`
	LevelsOverTime []LevelBucket `json:"levels_over_time"`
	// Previous is the period just before, when Options.Compare asked for it.
	Previous *Comparison `json:"previous"`
}

// Period is [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Duration is how long p lasts.
func (p Period) Duration() time.Duration { return p.To.Sub(p.From) }

// in reports whether t falls in p.
func (p Period) in(t time.Time) bool { return !t.IsZero() && !t.Before(p.From) && t.Before(p.To) }

// Totals sum up a period.
type Totals struct {
	Alerts    int `json:"alerts"`    // alerts raised (from a log: one per attacker)
	Attackers int `json:"attackers"` // distinct source addresses
	Packets   int `json:"packets"`   // the attackers' packets (their latest alerts' counts)
	Blocks    int `json:"blocks"`    // blocks made
}

// minus is t - o, field by field.
func (t Totals) minus(o Totals) Totals {
	return Totals{
		Alerts: t.Alerts - o.Alerts, Attackers: t.Attackers - o.Attackers,
		Packets: t.Packets - o.Packets, Blocks: t.Blocks - o.Blocks,
	}
}

// Comparison is the period just before the report's, as long as it.
type Comparison struct {
	Period           Period `json:"period"`
	Totals           Totals `json:"totals"`
	AttackersByLevel Levels `json:"attackers_by_level"`
	// Delta is the report's totals minus these.
	Delta Totals `json:"delta"`
}

// CollectorHealth is one collector's counters, as the daemon's status
// gives them: they count since the daemon started, not over the period.
type CollectorHealth struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Lines     uint64 `json:"lines"`
	Packets   uint64 `json:"packets"`
	Malformed uint64 `json:"malformed"`
	Dropped   uint64 `json:"dropped"`
	Restarts  uint64 `json:"restarts"`
	LastError string `json:"last_error,omitempty"`
}

// NamedCount is a count with its name.
type NamedCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}
