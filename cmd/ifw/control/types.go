package control

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/verdictlog"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/dnsnames"
)

// The wire types of the control API: what its routes take and answer.
// The desktop's event stream carries the notify hub's own types, named
// here so that a client needs this package only.
type (
	// Event is one line of GET /v1/events.
	Event = notify.Event
	// Question is the payload of a question event.
	Question = notify.Question
	// Choice is what POST /v1/choices accepted.
	Choice = notify.Choice
	// ChoiceRequest is the body of POST /v1/choices.
	ChoiceRequest = notify.ChoiceRequest
)

// StreamEvent is one line of GET /v1/stream (Client.Stream): an alert as
// it was stored, or a note that a list changed (see the Stream* kinds).
type StreamEvent struct {
	Kind string `json:"kind"`
	// Alert is the alert of a StreamAlert event.
	Alert *AlertRecord `json:"alert,omitempty"`
	// Dropped counts the events this stream lost so far (its reader was
	// slow): a reader that sees it grow fetches every list again.
	Dropped uint64 `json:"dropped,omitempty"`
}

// Status is what GET /v1/status returns and `ifw status` shows.
type Status struct {
	Host       string                        `json:"host"`
	Config     string                        `json:"config"`
	Started    time.Time                     `json:"started"`
	UptimeSec  float64                       `json:"uptime_seconds"`
	Collectors []CollectorStatus             `json:"collectors"`
	Engine     signatures.Stats              `json:"engine"`
	Signatures SignatureCounts               `json:"signatures"`
	Pipeline   PipelineStatus                `json:"pipeline"`
	Store      StoreStatus                   `json:"store"`
	Actions    map[string]alerts.ActionStats `json:"actions"`
	Attackers  []AttackerStatus              `json:"attackers"`
	Outbound   *OutboundStatus               `json:"outbound,omitempty"`
	Blocking   *BlockingStatus               `json:"blocking,omitempty"`
	Control    ControlStatus                 `json:"control"`
	// Hosts are, on a log server ([daemon] log_server), the daemon's own
	// host and each sensor, with what each saw; Attackers then lists
	// each sensor's attackers apart, each naming its host. Absent on a
	// daemon that is not a log server.
	Hosts     []HostStatus     `json:"hosts,omitempty"`
	LogServer *LogServerStatus `json:"log_server,omitempty"`
}

// Scopes of an attacker: seen by one host, or by the fleet as a whole.
const (
	ScopeHost  = "host"
	ScopeFleet = "fleet"
)

// HostStatus is one host of a log server: the daemon's own, or a sensor
// (the syslog host of the lines it forwards).
type HostStatus struct {
	Host string `json:"host"`
	// LastSeen is when its latest packet was judged (absent: none since
	// the start).
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Degraded: its part of the store is not current (a fleet's host
	// whose writes wait); a sensor's never is.
	Degraded  bool   `json:"degraded"`
	Sensor    bool   `json:"sensor"` // false: the daemon's own host
	Packets   uint64 `json:"packets"`
	Sources   int    `json:"sources"`   // tracked now
	Attackers int    `json:"attackers"` // at danger level 1 or above
}

// LogServerStatus is what keeping sensors apart did since the start.
type LogServerStatus struct {
	MaxSensors int `json:"max_sensors"`
	Sensors    int `json:"sensors"`
	// Refused counts packets of a new host past MaxSensors, Invalid those
	// whose host field is no host name: both judged as the daemon's own
	// host's. Expired counts idle sensors forgotten to make room.
	Refused uint64 `json:"refused"`
	Invalid uint64 `json:"invalid"`
	Expired uint64 `json:"expired"`
}

// AttackerStatus is an attacker as the status shows it: the engine's
// picture (its JSON fields at the top level) and the active block that
// covers its address, if any.
type AttackerStatus struct {
	signatures.Attacker
	// Blocked is absent when no active block covers the attacker.
	Blocked *BlockMark `json:"blocked,omitempty"`
	// Hosts name the hosts whose detection this is (on a log server: the
	// one sensor), Scope whether one host (ScopeHost) or the fleet saw it;
	// both absent on a daemon that is not a log server.
	Hosts []string `json:"hosts,omitempty"`
	Scope string   `json:"scope,omitempty"`
}

// BlockMark is the active block covering an attacker: its own address
// or a network holding it (the most specific one).
type BlockMark struct {
	Prefix    netip.Prefix       `json:"prefix"`
	Source    alerts.BlockSource `json:"source"`
	Permanent bool               `json:"permanent"`
	// Until is when the block ends; absent when it is permanent.
	Until time.Time `json:"until,omitzero"`
}

// AlertRecord is an alert as GET /v1/alerts lists it: the stored alert
// (its fields at the top level, with the outcome of each action that ran
// for it) and, when its auto-block outcome made or extended a block, that
// block as it stands now (until when, or lifted when and why).
type AlertRecord struct {
	alerts.Alert
	Block *alerts.Block `json:"block,omitempty"`
}

// StatusLimit bounds the attackers a status lists.
const StatusLimit = 200

// SignatureCounts is how many signatures the daemon runs, and how many
// rules of its files it could not use.
type SignatureCounts struct {
	Rules          int `json:"rules"`
	SkippedPayload int `json:"skipped_payload_rules"`
	SkippedBad     int `json:"skipped_bad_lines"`
}

// CountSignatures counts s.
func CountSignatures(s interface {
	Len() int
	SkipCounts() (payload, bad int)
}) SignatureCounts {
	p, b := s.SkipCounts()
	return SignatureCounts{Rules: s.Len(), SkippedPayload: p, SkippedBad: b}
}

func (c SignatureCounts) String() string {
	return fmt.Sprintf("%d signatures; skipped %d payload rules, %d bad lines", c.Rules, c.SkippedPayload, c.SkippedBad)
}

// ControlStatus is the control socket's part of the status: its
// connections and applet subscriptions, with what was refused for lack
// of room.
type ControlStatus struct {
	Connections ConnStats        `json:"connections"`
	Applets     *notify.HubStats `json:"applets,omitempty"`
}

// ConnStats are the control socket's connection counters.
type ConnStats struct {
	Open      int `json:"open"`
	Max       int `json:"max"`
	MaxPerUID int `json:"max_per_uid"`
	// Refused: connections closed at accept because the socket or their
	// uid's share of it was full (or their credentials unreadable);
	// RefusedByUID counts them for the first uids refused.
	Refused      uint64            `json:"refused"`
	RefusedByUID map[uint32]uint64 `json:"refused_by_uid,omitempty"`
}

// BlockingStatus is the blocking module's part of the status: active
// blocks, and what keeping the kernel and the store in agreement did
// since the start (blocks put back after vanishing from the kernel…).
type BlockingStatus struct {
	Active int             `json:"active"`
	Totals block.SyncStats `json:"since_start"`
	// Lifted counts the blocks lifted since the start because the
	// never-block list came to cover them (a network change, a reload,
	// ifw whitelist add).
	Lifted int64                `json:"lifted_by_never_block"`
	Watch  whitelist.WatchStats `json:"never_block_watch"`
	// ActiveBySource counts the active blocks by source (auto, manual).
	ActiveBySource map[alerts.BlockSource]int `json:"active_by_source"`
	// Made counts the blocks made (or extended) since the start, by
	// source; Refused the blocks asked for and not made, by source and
	// why: a never-block reason ("whitelist", "own address"…), "kernel"
	// (the set refused the entry) or "error".
	Made    map[alerts.BlockSource]uint64            `json:"made"`
	Refused map[alerts.BlockSource]map[string]uint64 `json:"refused"`
	// AutoRegexSkipped counts the alerts at the auto-block level not
	// blocked because no log prefix of their source matched
	// [block] auto_regex since its previous alert.
	AutoRegexSkipped uint64 `json:"auto_regex_skipped"`
	// Bulk is the bulk drop lists' last load; absent without lists.
	Bulk *BulkStatus `json:"bulk,omitempty"`
	// Auto is the automatic-blocking switch.
	Auto AutoBlock `json:"auto"`
}

// BulkStatus is what the last load of the bulk drop lists did. A load
// that failed (Error) kept the lists of the last good one (Loaded, Stats).
type BulkStatus struct {
	Files  []string        `json:"files"`
	Tried  time.Time       `json:"tried,omitzero"`
	Loaded time.Time       `json:"loaded,omitzero"`
	Stats  block.BulkStats `json:"stats"`
	Error  string          `json:"error,omitempty"`
}

// OutboundStatus is the outbound module's part of the status.
type OutboundStatus struct {
	verdict.Stats
	// RuleLatency: packet read → verdict given, for connections a rule
	// decided.
	RuleLatency *LatencySummary `json:"rule_latency,omitempty"`
	// Attribution: how connections were traced to their processes.
	Attribution procs.Stats `json:"attribution"`
	// DNS: names learned from DNS answers ([verdict] dns_group); nil when
	// off.
	DNS *dnsnames.Snapshot `json:"dns,omitempty"`
	// Log: the verdict log's counters ([verdict] log), nil without one.
	Log *verdictlog.Stats `json:"log,omitempty"`
}

// LatencySummary sums up recent latencies.
type LatencySummary struct {
	Samples int     `json:"samples"`
	P50ms   float64 `json:"p50_ms"`
	P99ms   float64 `json:"p99_ms"`
	MaxMs   float64 `json:"max_ms"`
}

// CollectorStatus is one collector's part of the status.
type CollectorStatus struct {
	Name    string                `json:"name"`
	Type    string                `json:"type"`
	Stats   sources.StatsSnapshot `json:"stats"`
	Latency *LatencySummary       `json:"alert_latency,omitempty"`
}

// PipelineStatus counts what went from the collectors to the store.
type PipelineStatus struct {
	Observed    uint64 `json:"packets_observed"`
	Detections  uint64 `json:"detections"`
	Throttled   uint64 `json:"detections_not_stored"`
	Stored      uint64 `json:"alerts_stored"`
	StoreFailed uint64 `json:"alerts_failed"`
	Queued      int    `json:"packets_queued"`
}

// StoreStatus is the alert store's part of the status.
type StoreStatus struct {
	Path           string `json:"path"`
	Degraded       bool   `json:"degraded"`
	Unstored       int    `json:"alerts_waiting"`
	Dropped        uint64 `json:"alerts_given_up"`
	LastError      string `json:"last_error,omitempty"`
	CorruptMovedTo string `json:"corrupt_database_moved_to,omitempty"`
	// Kind is "sqlite" or "postgresql" ([store] url).
	Kind string `json:"kind"`
	// Queued: writes waiting in the outage spool for the database.
	Queued int `json:"queued"`
	// SpoolDropped: writes the outage spool gave up (full: the oldest
	// go first) or could not keep.
	SpoolDropped uint64       `json:"dropped"`
	Spool        *SpoolStatus `json:"spool,omitempty"` // nil: no outage spool (SQLite)
}

// SpoolStatus is the outage spool of a shared database (PostgreSQL):
// writes kept on local disk while the database is unreachable.
type SpoolStatus struct {
	Dir       string `json:"dir"`
	Down      bool   `json:"down"` // the database is unreachable (or the spool not yet delivered)
	Queued    int    `json:"queued"`
	Bytes     int64  `json:"bytes"`
	Segments  int    `json:"segments"`
	Spooled   uint64 `json:"spooled"`   // writes appended since the start
	Delivered uint64 `json:"delivered"` // delivered from the spool since the start
	Dropped   uint64 `json:"dropped"`   // given up: the spool was full (oldest first)
	Lost      uint64 `json:"lost"`      // neither stored nor spooled (the spool's disk failed)
	Rejected  uint64 `json:"rejected"`  // delivered, refused by the database for good (logged)
	Damaged   uint64 `json:"damaged"`   // damaged spans found in the spool's files (logged with file:offset)
	Outages   uint64 `json:"outages"`   // times the database became unreachable
}

// BlockRequest is POST /v1/blocks.
type BlockRequest struct {
	Prefix string `json:"prefix"`
	For    string `json:"for,omitempty"` // a duration, "forever", or empty for the policy's
	Reason string `json:"reason,omitempty"`
}

// Flushed is what POST /v1/blocks/flush did: every block it lifted (the
// bulk drop lists stay loaded).
type Flushed struct {
	Lifted []netip.Prefix `json:"lifted"`
	Count  int            `json:"count"`
}

// Removed is what a DELETE did.
type Removed struct {
	Removed string `json:"removed"`
}

// WhitelistRequest is POST /v1/whitelist.
type WhitelistRequest struct {
	Entry   string `json:"entry"`
	Comment string `json:"comment,omitempty"`
	// AllowUnresolved keeps a host name that does not resolve (with a
	// warning) instead of refusing it.
	AllowUnresolved bool `json:"allow_unresolved,omitempty"`
}

// Whitelist is GET /v1/whitelist: the file's entries and the whole
// never-block list.
type Whitelist struct {
	File      string                `json:"file"`
	Entries   []whitelist.Entry     `json:"entries"`
	Protected []whitelist.Protected `json:"protected"`
}

// WhitelistAdded is what POST /v1/whitelist did.
type WhitelistAdded struct {
	Added    string         `json:"added"`
	File     string         `json:"file"`
	Prefixes []netip.Prefix `json:"prefixes"` // what it protects now
	// Warning: a host name kept without addresses (--allow-unresolved).
	Warning string `json:"warning,omitempty"`
	// Unblocked lists the active blocks lifted because the never-block
	// list now covers them.
	Unblocked []netip.Prefix `json:"unblocked"`
}

// AnswerRequest is POST /v1/queue/{id}.
type AnswerRequest struct {
	Action   string `json:"action"`             // allow, deny, reject
	Lifetime string `json:"lifetime,omitempty"` // once (default), session, timed, permanent
	For      string `json:"for,omitempty"`      // timed: a duration
	// Scope of the rule a lasting answer makes: "port" (default: this
	// program to this destination and port), "host" (to this host, any
	// port), "any" (to anywhere). A once answer makes no rule.
	Scope string `json:"scope,omitempty"`
}

// Answered is what an answer did.
type Answered struct {
	Question verdict.Question `json:"question"`
	Rule     *Rule            `json:"rule,omitempty"`
}

// RuleRequest is POST /v1/rules: a rule line as in the rules file.
type RuleRequest struct {
	Line     string `json:"line"`
	Lifetime string `json:"lifetime,omitempty"` // permanent (default), session, once, timed
	For      string `json:"for,omitempty"`
}

// Rule is an outbound rule as the API shows it.
type Rule struct {
	ID       uint64    `json:"id"`
	Line     string    `json:"line"`
	Action   string    `json:"action"`
	Lifetime string    `json:"lifetime"`
	Until    time.Time `json:"until,omitzero"`
	Hits     uint64    `json:"hits"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Created  time.Time `json:"created,omitzero"`
}

// RuleOf is e as the API shows it.
func RuleOf(e rules.Entry) Rule {
	return Rule{ID: e.ID, Line: e.String(), Action: e.Action.String(), Lifetime: e.Lifetime.String(),
		Until: e.Until, Hits: e.Hits, LastUsed: e.LastUsed, Created: e.Created}
}

func rulesOf(es []rules.Entry) []Rule {
	out := make([]Rule, 0, len(es))
	for _, e := range es {
		out = append(out, RuleOf(e))
	}
	return out
}

// RuleHits are the rules' part of a report: their hits.
func RuleHits(rs []Rule) []report.RuleHit {
	out := make([]report.RuleHit, 0, len(rs))
	for _, r := range rs {
		out = append(out, report.RuleHit{ID: r.ID, Line: r.Line, Hits: r.Hits})
	}
	return out
}

// EntryHits is RuleHits of the rule set's entries.
func EntryHits(es []rules.Entry) []report.RuleHit { return RuleHits(rulesOf(es)) }

// Health is the collectors' part of a report.
func Health(cs []CollectorStatus) []report.CollectorHealth {
	out := make([]report.CollectorHealth, 0, len(cs))
	for _, c := range cs {
		s := c.Stats
		out = append(out, report.CollectorHealth{Name: c.Name, Type: c.Type, Lines: s.Lines, Packets: s.Packets,
			Malformed: s.Malformed, Dropped: s.Dropped, Restarts: s.Restarts, LastError: s.LastError})
	}
	return out
}
