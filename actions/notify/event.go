package notify

import "github.com/ifw/ifw/alerts"

// The actions an alert bubble offers (Event.Actions, Choice.Action). The
// daemon applies them: block the source for an hour, whitelist it, or do
// nothing.
const (
	ActionBlock     = "block"
	ActionWhitelist = "whitelist"
	ActionIgnore    = "ignore"
)

// DefaultActions returns the actions of an alert bubble, in button order.
func DefaultActions() []string { return []string{ActionBlock, ActionWhitelist, ActionIgnore} }

// Label is the button label of action, "" for an unknown one.
func Label(action string) string {
	switch action {
	case ActionBlock:
		return "Block for 1 h"
	case ActionWhitelist:
		return "Whitelist"
	case ActionIgnore:
		return "Ignore"
	}
	return ""
}

// Kinds of Event.
const (
	// KindAlert: Event.Alert is set.
	KindAlert = "alert"
	// KindQuestion is reserved for the outbound module's questions (see
	// the package documentation); no event has it yet.
	KindQuestion = "question"
)

// Event is one line of the GET /v1/events stream.
type Event struct {
	// ID is the hub's sequence number, a choice names it. It starts from
	// the daemon's start time (see epoch), so that ids are not reused
	// across restarts.
	ID   uint64 `json:"event_id"`
	Kind string `json:"kind"`
	// Alert is the alert of a KindAlert event.
	Alert alerts.Alert `json:"alert"`
	// Actions are the choices offered, in button order; empty means a
	// bubble without buttons.
	Actions []string `json:"actions"`
	// Dropped counts the events this subscription lost (its buffer was
	// full) up to this one.
	Dropped uint64 `json:"dropped,omitempty"`
}

// ChoiceRequest is the body of POST /v1/choices.
type ChoiceRequest struct {
	EventID uint64 `json:"event_id"`
	Choice  string `json:"choice"`
}

// Choice is an accepted answer: what to apply to which alert.
type Choice struct {
	EventID uint64       `json:"event_id"`
	Alert   alerts.Alert `json:"alert"`
	// Action is one of the event's actions (ActionBlock, …).
	Action string `json:"action"`
}
