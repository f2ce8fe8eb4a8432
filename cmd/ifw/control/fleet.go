package control

import (
	"context"
	"net/http"

	"github.com/ifw/ifw/alerts/fleet"
)

// FleetStatus is GET /v1/status/fleet (ifw status --fleet): the fleet's
// hosts as the shared database knows them, and its attackers: this
// daemon's own (scope host) and the sources two hosts or more saw in the
// scan window (scope fleet, danger_level their fleet level): Scope is
// ScopeHost or ScopeFleet.
type FleetStatus struct {
	Host string `json:"host"` // the daemon that answered
	// Hosts are every host of the fleet; Degraded one has writes queued
	// or has not been heard from for three heartbeats.
	Hosts     []fleet.Host    `json:"hosts"`
	Attackers []FleetAttacker `json:"attackers"`
	Scan      FleetScanStatus `json:"scan"`
	// Error says what failed to be read from the fleet's database
	// (Hosts and the fleet's attackers are then missing).
	Error string `json:"error,omitempty"`
}

// FleetAttacker is an attacker of the fleet's status: as in the status,
// with the hosts that saw it by name (AttackerStatus.Hosts, at most
// fleet.MaxHosts; HostCount is their number) and its scope.
type FleetAttacker struct {
	AttackerStatus
	HostCount int `json:"host_count"`
}

// FleetScanStatus is this daemon's part of fleet-wide scan detection.
type FleetScanStatus struct {
	Thresholds    [fleet.Levels]int `json:"thresholds"` // hosts for fleet levels 1-5
	WindowSeconds float64           `json:"window_seconds"`
	Tracked       int               `json:"tracked"`  // sources waiting to be reported
	Noted         uint64            `json:"noted"`    // packets noted
	Dropped       uint64            `json:"dropped"`  // packets of sources left out: too many tracked
	Reported      uint64            `json:"reported"` // sightings the database took
	Unsent        uint64            `json:"unsent"`   // reports that failed (kept for the next)
	Raised        uint64            `json:"raised"`   // fleet levels this daemon raised
	Pruned        uint64            `json:"pruned"`   // old sightings deleted
}

// FleetBackend is the part of a Backend that serves the fleet's status; a
// backend without it, or answering nil, is not in a fleet (503).
type FleetBackend interface {
	FleetStatus(ctx context.Context) (*FleetStatus, error)
}

// fleetStatus is GET /v1/status/fleet.
func (s *Server) fleetStatus(r *http.Request) (any, error) {
	fb, ok := s.backend.(FleetBackend)
	if !ok {
		return nil, unavailable("fleet mode is off (no [store] url in ifw.conf)")
	}
	st, err := fb.FleetStatus(r.Context())
	if err == nil && st == nil {
		return nil, unavailable("fleet mode is off (no [store] url in ifw.conf)")
	}
	return st, err
}

// FleetStatus is GET /v1/status/fleet.
func (c *Client) FleetStatus(ctx context.Context) (*FleetStatus, error) {
	var st FleetStatus
	return &st, c.do(ctx, http.MethodGet, pathStatusFleet, nil, &st)
}

const pathStatusFleet = "/v1/status/fleet"
