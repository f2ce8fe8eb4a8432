package notify

import (
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
)

// The actions an alert bubble offers (Event.Actions, Choice.Action). The
// daemon applies them: block the source for an hour, whitelist it, or do
// nothing; an attacker blocked already (Event.Blocked) is offered Unblock
// instead of Block.
const (
	ActionBlock     = "block"
	ActionUnblock   = "unblock"
	ActionWhitelist = "whitelist"
	ActionIgnore    = "ignore"
)

// The actions a question bubble offers: the outbound module lets the
// connection go this time, makes a rule that always lets it go, refuses
// it silently (deny: the program waits for its own timeout), makes a rule
// that always denies it, or refuses it with a TCP reset or an ICMP
// unreachable (reject: the program fails at once).
const (
	ActionAllowOnce   = "allow_once"
	ActionAllowAlways = "allow_always"
	ActionDeny        = "deny"
	ActionDenyAlways  = "deny_always"
	ActionReject      = "reject"
)

// DefaultActions returns the actions of an alert bubble, in button order.
func DefaultActions() []string { return []string{ActionBlock, ActionWhitelist, ActionIgnore} }

// QuestionActions returns the actions of a question bubble, in button
// order: the three of old first, since some servers show only the first
// three (GNOME Shell), then the two lasting or louder refusals.
func QuestionActions() []string {
	return []string{ActionAllowOnce, ActionAllowAlways, ActionDeny, ActionDenyAlways, ActionReject}
}

// Label is the button label of action, "" for an unknown one.
func Label(action string) string {
	switch action {
	case ActionBlock:
		return "Block for 1 h"
	case ActionUnblock:
		return "Unblock"
	case ActionWhitelist:
		return "Whitelist"
	case ActionIgnore:
		return "Ignore"
	case ActionAllowOnce:
		return "Allow once"
	case ActionAllowAlways:
		return "Allow always"
	case ActionDeny:
		return "Deny"
	case ActionDenyAlways:
		return "Deny always"
	case ActionReject:
		return "Reject (fail fast)"
	}
	return ""
}

// Kinds of Event.
const (
	// KindAlert: Event.Alert is set; every applet gets it.
	KindAlert = "alert"
	// KindQuestion: Event.Question is set; only the applets of its UID
	// get it (Hub.Ask).
	KindQuestion = "question"
	// KindRetract: the event Event.Ref was answered elsewhere or timed
	// out; the applet closes its bubble (Hub.Retract).
	KindRetract = "retract"
	// KindSeen: the user saw the alerts up to Event.Ref (the management
	// window's Log tab was opened); only that uid's applets get it, and the
	// tray icon stops asking for attention (Hub.Seen).
	KindSeen = "seen"
)

// Question is the payload of a KindQuestion event: a new outbound
// connection the outbound module holds until its owner answers.
type Question struct {
	// ID is the outbound module's question number (what `ifw queue
	// allow N` takes), not the event id.
	ID uint64 `json:"id"`
	// UID owns the connection: only this uid's applets get the question
	// and may answer it.
	UID  uint32 `json:"uid"`
	User string `json:"user,omitempty"`
	PID  int    `json:"pid,omitempty"`
	// Exe is the executable's path, "" for an unknown process.
	Exe   string     `json:"exe"`
	Dst   netip.Addr `json:"dst"`
	Host  string     `json:"host,omitempty"`
	Port  uint16     `json:"port"`
	Proto string     `json:"proto"` // "tcp", "udp", …
	// Connections counts the held connections merged into the question.
	Connections int `json:"connections"`
	// Deadline is when Default applies.
	Deadline time.Time `json:"deadline"`
	// Default is "deny", "allow" or "reject".
	Default string `json:"default"`
}

// Blocked is the active block of an alert's source when the alert is
// published.
type Blocked struct {
	// Prefix is the source's own address (a block of a wider network is
	// not offered for unblocking from a bubble).
	Prefix netip.Prefix `json:"prefix"`
	// Auto: the auto-blocker made it; otherwise a hand (a bubble, ifw
	// block add).
	Auto bool `json:"auto"`
	// Until is when it ends; zero means never.
	Until time.Time `json:"until,omitzero"`
}

// Event is one line of the GET /v1/events stream.
type Event struct {
	// ID is the hub's sequence number, a choice names it. It starts from
	// the daemon's start time (see epoch), so that ids are not reused
	// across restarts.
	ID   uint64 `json:"event_id"`
	Kind string `json:"kind"`
	// Alert is the alert of a KindAlert event.
	Alert alerts.Alert `json:"alert,omitzero"`
	// Blocked is set, in a KindAlert event, when the alert's source was
	// blocked already (by the auto-blocker, most often): the bubble says
	// so and offers ActionUnblock instead of ActionBlock.
	Blocked *Blocked `json:"blocked,omitempty"`
	// Question is the question of a KindQuestion event.
	Question *Question `json:"question,omitempty"`
	// Ref is, in a KindRetract event, the id of the event whose bubble to
	// close.
	Ref uint64 `json:"ref,omitempty"`
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

// Choice is an accepted answer: what to apply to which alert or question.
type Choice struct {
	EventID uint64 `json:"event_id"`
	// Alert is set for an alert's choice, Question for a question's.
	Alert    alerts.Alert `json:"alert,omitzero"`
	Question *Question    `json:"question,omitempty"`
	// Action is one of the event's actions (ActionBlock, ActionAllowOnce,
	// …).
	Action string `json:"action"`
}
