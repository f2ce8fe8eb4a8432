package daemon

import (
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
)

// What a spooled record is.
const (
	spoolAlert    = "alert"
	spoolOutcome  = "outcome"
	spoolBlock    = "block"
	spoolUnblock  = "unblock"
	spoolQuestion = "question"
)

// spoolRecord is one write to the store kept in the outage spool, as
// JSON: the store's own types, so that a spool written by one version is
// read by the next.
type spoolRecord struct {
	Kind string `json:"kind"`
	// Alert: the alert of an alert record, or the alert an outcome belongs
	// to when it was itself spooled (delivered again with the outcome:
	// the store finds it by its uid and adds the outcome once).
	Alert *alerts.Alert `json:"alert,omitempty"`
	// Prov is the provisional id (negative) the alert had in the run
	// Run (a random name of the daemon's run that spooled it).
	Run      string            `json:"run,omitempty"`
	Prov     int64             `json:"prov,omitempty"`
	AlertID  int64             `json:"alert_id,omitempty"` // an outcome's alert, stored before the outage
	Outcome  *alerts.Outcome   `json:"outcome,omitempty"`
	Block    *alerts.Block     `json:"block,omitempty"`
	Prefix   netip.Prefix      `json:"prefix,omitzero"`
	Why      alerts.RemovedWhy `json:"why,omitempty"`
	At       time.Time         `json:"at,omitzero"`
	Question *alerts.Question  `json:"question,omitempty"`
}
