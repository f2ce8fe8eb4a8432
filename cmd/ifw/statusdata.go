package main

import (
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/whitelist"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// statusReport is what GET /v1/status returns and `ifw status` shows.
type statusReport struct {
	Host       string                        `json:"host"`
	Config     string                        `json:"config"`
	Started    time.Time                     `json:"started"`
	UptimeSec  float64                       `json:"uptime_seconds"`
	Collectors []collectorStatus             `json:"collectors"`
	Engine     signatures.Stats              `json:"engine"`
	Signatures signatureCounts               `json:"signatures"`
	Pipeline   pipelineStatus                `json:"pipeline"`
	Store      storeStatus                   `json:"store"`
	Actions    map[string]alerts.ActionStats `json:"actions"`
	Attackers  []signatures.Attacker         `json:"attackers"`
	Outbound   *outboundStatus               `json:"outbound,omitempty"`
	Blocking   *blockingStatus               `json:"blocking,omitempty"`
	Control    controlStatus                 `json:"control"`
}

// controlStatus is the control socket's part of the status: its
// connections and applet subscriptions, with what was refused for lack
// of room.
type controlStatus struct {
	Connections connStats        `json:"connections"`
	Applets     *notify.HubStats `json:"applets,omitempty"`
}

// blockingStatus is the blocking module's part of the status: active
// blocks, and what keeping the kernel and the store in agreement did
// since the start (blocks put back after vanishing from the kernel…).
type blockingStatus struct {
	Active int             `json:"active"`
	Totals block.SyncStats `json:"since_start"`
	// Lifted counts the blocks lifted since the start because the
	// never-block list came to cover them (a network change, a reload,
	// ifw whitelist add).
	Lifted int64                `json:"lifted_by_never_block"`
	Watch  whitelist.WatchStats `json:"never_block_watch"`
}

// outboundStatus is the outbound module's part of the status.
type outboundStatus struct {
	verdict.Stats
	// RuleLatency: packet read → verdict given, for connections a rule
	// decided.
	RuleLatency *LatencySummary `json:"rule_latency,omitempty"`
	// Attribution: how connections were traced to their processes.
	Attribution procs.Stats `json:"attribution"`
}

type collectorStatus struct {
	Name    string                `json:"name"`
	Type    string                `json:"type"`
	Stats   sources.StatsSnapshot `json:"stats"`
	Latency *LatencySummary       `json:"alert_latency,omitempty"`
}

type pipelineStatus struct {
	Observed    uint64 `json:"packets_observed"`
	Detections  uint64 `json:"detections"`
	Throttled   uint64 `json:"detections_not_stored"`
	Stored      uint64 `json:"alerts_stored"`
	StoreFailed uint64 `json:"alerts_failed"`
	Queued      int    `json:"packets_queued"`
}

// statusLimit bounds the attackers a status lists.
const statusLimit = 200
