package firewall

import "fmt"

// Change is what Apply or Remove did about one rule.
type Change uint8

// Changes.
const (
	Present Change = iota // already there; nothing done
	Added                 // rule added
	Created               // chain created
	Deleted               // rule or chain deleted
	Skipped               // not added (see Step.Note)
)

var changeText = [...]string{Present: "present", Added: "added", Created: "created", Deleted: "deleted", Skipped: "skipped"}

func (c Change) String() string {
	if int(c) < len(changeText) {
		return changeText[c]
	}
	return fmt.Sprintf("change(%d)", uint8(c))
}

// MarshalText makes a Change its text in JSON.
func (c Change) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Step is one rule and what happened to it.
type Step struct {
	Rule   Rule   `json:"-"`
	Line   string `json:"rule"` // as iptables -S prints it
	Tool   string `json:"tool"`
	Change Change `json:"change"`
	Note   string `json:"note,omitempty"`
}

// Report says what Apply or Remove found and did.
type Report struct {
	Backend  Backend  `json:"backend"`
	Version  string   `json:"version,omitempty"` // iptables -V, when detected
	Steps    []Step   `json:"steps"`
	Warnings []string `json:"warnings,omitempty"`
}

// Changed counts the steps that changed the firewall.
func (r Report) Changed() int {
	n := 0
	for _, s := range r.Steps {
		if s.Change == Added || s.Change == Created || s.Change == Deleted {
			n++
		}
	}
	return n
}

func (r *Report) step(rule Rule, c Change, note string) {
	r.Steps = append(r.Steps, Step{Rule: rule, Line: rule.Line(), Tool: rule.Tool, Change: c, Note: note})
}

func (r *Report) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}
