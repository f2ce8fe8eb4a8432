package alerts

import (
	"net/netip"
	"time"

	"github.com/ifw/ifw/signatures"
)

// Bounds of an Alert's lists (the counts stay exact: DestinationCount).
const (
	MaxDestinations = 64
	MaxScans        = 64
	MaxSignatures   = 64
	MaxPorts        = 64
)

// schemaPorts is the schema version that stores an alert's ports.
const schemaPorts = 5

// migrationPorts (schema 5) adds the ports an alert's attacker hit, with
// their packets (Alert.Ports, a JSON array); older alerts have none.
const migrationPorts = `ALTER TABLE alerts ADD COLUMN ports TEXT NOT NULL DEFAULT '[]'`

// Alert is a detection made durable.
type Alert struct {
	ID int64 `json:"id"` // set by Store.AddAlert
	// UID is the alert's id across hosts and retries (NewUID): AddAlert
	// makes one when it is empty, before writing, so a failed write sent
	// again with it is stored once. Alerts stored before schema 6 have none.
	UID       string     `json:"uid"`
	Time      time.Time  `json:"time"`
	Host      string     `json:"host"` // the host that logged the packets
	Src       netip.Addr `json:"src"`
	Level     int        `json:"level"`
	PrevLevel int        `json:"prev_level"`
	// Reasons lists what changed, comma-separated: level, scan, signature,
	// destination (signatures.Reason).
	Reasons          string              `json:"reasons"`
	Packets          int                 `json:"packets"`
	FirstSeen        time.Time           `json:"first_seen"`
	LastSeen         time.Time           `json:"last_seen"`
	DestinationCount int                 `json:"destination_count"`
	Destinations     []netip.Addr        `json:"destinations"` // at most MaxDestinations
	Scans            []signatures.Scan   `json:"scans"`        // at most MaxScans
	Signatures       []signatures.SigHit `json:"signatures"`   // at most MaxSignatures
	// Ports are the destination ports the attacker hit with their packets,
	// most first, at most MaxPorts (signatures.Attacker.Ports).
	Ports []signatures.PortHit `json:"ports"`
	OS    string               `json:"os"`
	Tool  string               `json:"tool"`
	// Trusted: every packet behind the alert came over a transport only the
	// kernel can write (signatures.Attacker.Trusted).
	Trusted   bool      `json:"trusted"`
	Collector string    `json:"collector"` // the source (collector) name
	Outcomes  []Outcome `json:"outcomes"`
}

// Outcome is what one action did with an alert.
type Outcome struct {
	Action string    `json:"action"`
	Time   time.Time `json:"time"`
	OK     bool      `json:"ok"`
	Error  string    `json:"error,omitempty"`
}

// FromDetection makes an alert of d, seen by host through collector. It
// shares nothing with d.
func FromDetection(d signatures.Detection, host, collector string) Alert {
	a := d.Attacker
	return Alert{
		Time: d.Time, Host: host, Src: a.Src, Level: a.Level, PrevLevel: d.PrevLevel,
		Reasons: d.Reasons.String(), Packets: a.Packets,
		FirstSeen: a.FirstSeen, LastSeen: a.LastSeen,
		DestinationCount: a.DestinationCount,
		Destinations:     bounded(a.Destinations, MaxDestinations),
		Scans:            bounded(a.Scans, MaxScans),
		Signatures:       bounded(a.Signatures, MaxSignatures),
		Ports:            bounded(a.Ports, MaxPorts),
		OS:               a.OS, Tool: a.Tool, Trusted: a.Trusted, Collector: collector,
		Outcomes: []Outcome{},
	}
}

// bounded copies at most n elements of s; never nil.
func bounded[T any](s []T, n int) []T {
	k := min(len(s), n)
	return append(make([]T, 0, k), s[:k]...)
}
