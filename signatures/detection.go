package signatures

import (
	"strings"
	"time"
)

// Reason says what changed in an attacker's picture; a Detection can carry
// several.
type Reason uint8

// Reasons.
const (
	ReasonLevel       Reason = 1 << iota // the danger level rose
	ReasonScan                           // a new scan class
	ReasonSignature                      // a new signature
	ReasonDestination                    // a new destination
)

var reasonNames = []string{"level", "scan", "signature", "destination"}

// String lists the reasons, comma-separated.
func (r Reason) String() string {
	var parts []string
	for i, name := range reasonNames {
		if r&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	return strings.Join(parts, ",")
}

// MarshalText writes String.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Detection is a change that matters in an attacker's picture, with a
// snapshot of the attacker after the packet that caused it.
type Detection struct {
	Time      time.Time `json:"time"`
	Reasons   Reason    `json:"reasons"`
	PrevLevel int       `json:"prev_level"`
	Attacker  Attacker  `json:"attacker"`
}

// Stats are the engine's counters.
type Stats struct {
	Packets    uint64            `json:"packets"`    // Observe calls
	Counted    uint64            `json:"counted"`    // packets not ignored
	Ignored    map[string]uint64 `json:"ignored"`    // by IgnoreReason name
	Sources    int               `json:"sources"`    // tracked now
	Created    uint64            `json:"created"`    // source states started
	Evicted    uint64            `json:"evicted"`    // dropped for MaxSources
	Expired    uint64            `json:"expired"`    // timed out
	Detections uint64            `json:"detections"` // Observe results
	// Untracked counts packets to destinations beyond MaxDestinations.
	Untracked uint64 `json:"untracked"`
	// PortBitmaps are in use; SaturatedPortSets needed one when none was left.
	PortBitmaps       int    `json:"port_bitmaps"`
	SaturatedPortSets uint64 `json:"saturated_port_sets"`
	// NotRetained counts ended attackers given up because Config.Retain
	// were kept already (the least dangerous give way).
	NotRetained uint64 `json:"not_retained"`
	// FutureTimes counts packets dated far ahead: over Config.MaxClockAhead
	// after the host clock (live sources; counted at that bound), or, with
	// no host clock (an archive), over a day after the engine's clock (which
	// one such packet does not move).
	FutureTimes uint64 `json:"future_times"`
}
