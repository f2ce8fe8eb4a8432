package alerts

import (
	"net/netip"
	"slices"
	"time"
)

// Verdicts a question ends with (Question.Verdict).
const (
	VerdictAllow  = "allow"
	VerdictDeny   = "deny"   // dropped silently
	VerdictReject = "reject" // refused (TCP reset, ICMP unreachable)
)

// What closed a question (Question.By).
const (
	ClosedByAnswer   = "answer"   // the user answered
	ClosedByTimeout  = "timeout"  // nobody answered in time: the default verdict
	ClosedByRule     = "rule"     // a rule added meanwhile decided it
	ClosedByShutdown = "shutdown" // the module stopped: its fail verdict
	ClosedByOverflow = "overflow" // no room to hold it: its fail verdict
)

// Lifetimes of an answer (Question.Lifetime): once answers the question
// alone, the others added a rule that lives that long.
const (
	LifetimeOnce      = "once"
	LifetimeSession   = "session"
	LifetimeTimed     = "timed"
	LifetimePermanent = "permanent"
)

// Question is a closed outbound question: connections of one user's
// program to one destination that no rule decided, held while the user
// was asked, and how that ended.
type Question struct {
	ID          int64      `json:"id"`             // store row id, set by Store.AddQuestion
	Host        string     `json:"host,omitempty"` // the host that asked (the Store's Config.Host)
	Asked       time.Time  `json:"asked"`
	Closed      time.Time  `json:"closed"`
	UID         uint32     `json:"uid"`
	User        string     `json:"user,omitempty"`
	Exe         string     `json:"exe"` // "" = unknown process
	Dst         netip.Addr `json:"dst"`
	Port        uint16     `json:"port"`
	Proto       string     `json:"proto"`
	Connections int        `json:"connections"` // connections it held
	Verdict     string     `json:"verdict"`     // VerdictAllow, VerdictDeny or VerdictReject
	By          string     `json:"by"`          // ClosedByAnswer, ClosedByTimeout…
	// Lifetime is the answer's (By ClosedByAnswer only, "" otherwise):
	// LifetimeOnce, or the lifetime of the rule the answer added.
	Lifetime string `json:"lifetime,omitempty"`
}

// AddedRule reports whether q was answered with a rule (not once).
func (q Question) AddedRule() bool {
	return q.By == ClosedByAnswer && q.Lifetime != "" && q.Lifetime != LifetimeOnce
}

// valid reports whether q can be stored: a destination, an ask time, a
// protocol, a known verdict and cause, and a lifetime exactly for answers.
func (q Question) valid() bool {
	return q.Dst.IsValid() && !q.Asked.IsZero() && q.Proto != "" && q.Connections >= 0 &&
		slices.Contains([]string{VerdictAllow, VerdictDeny, VerdictReject}, q.Verdict) &&
		slices.Contains([]string{ClosedByAnswer, ClosedByTimeout, ClosedByRule, ClosedByShutdown, ClosedByOverflow}, q.By) &&
		q.validLifetime()
}

// validLifetime: an answer's lifetime is one of the four, any other
// closing has none.
func (q Question) validLifetime() bool {
	if q.By != ClosedByAnswer {
		return q.Lifetime == ""
	}
	return slices.Contains([]string{LifetimeOnce, LifetimeSession, LifetimeTimed, LifetimePermanent}, q.Lifetime)
}

// migrationQuestions (schema 3) adds the questions table. Times are Unix
// nanoseconds; lifetime is empty unless an answer closed the question. The
// index serves the period queries of reports, which select by closing
// time.
const migrationQuestions = `CREATE TABLE questions (
		id          INTEGER PRIMARY KEY AUTOINCREMENT,
		asked       INTEGER NOT NULL,
		closed      INTEGER NOT NULL,
		uid         INTEGER NOT NULL CHECK (uid BETWEEN 0 AND 4294967295),
		user        TEXT    NOT NULL,
		exe         TEXT    NOT NULL,
		dst         TEXT    NOT NULL,
		port        INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
		proto       TEXT    NOT NULL,
		connections INTEGER NOT NULL CHECK (connections >= 0),
		verdict     TEXT    NOT NULL CHECK (verdict IN ('allow', 'deny', 'reject')),
		closed_by   TEXT    NOT NULL CHECK (closed_by IN ('answer', 'timeout', 'rule', 'shutdown', 'overflow')),
		lifetime    TEXT    NOT NULL CHECK (lifetime IN ('', 'once', 'session', 'timed', 'permanent')),
		CHECK ((closed_by = 'answer') = (lifetime <> ''))
	);
	CREATE INDEX questions_closed ON questions(closed, id);`
