package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// Action is what a matching rule does with the connection.
type Action uint8

// Actions. Deny drops the packet silently; Reject refuses it (TCP reset,
// ICMP unreachable) so the program fails at once instead of timing out.
const (
	Allow Action = iota + 1
	Deny
	Reject
)

var actionNames = [...]string{Allow: "allow", Deny: "deny", Reject: "reject"}

func (a Action) String() string {
	if a >= Allow && a <= Reject {
		return actionNames[a]
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// ParseAction reads "allow", "deny" or "reject" (any case).
func ParseAction(s string) (Action, error) {
	for a := Allow; a <= Reject; a++ {
		if strings.EqualFold(s, actionNames[a]) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("bad action %q: want allow, deny or reject", s)
}

// Lifetime is how long a rule lives.
type Lifetime uint8

// Lifetimes. Permanent and Timed rules are saved in the rules file;
// Session and Once rules live in memory only.
const (
	// Permanent rules live until deleted.
	Permanent Lifetime = iota
	// Session rules expire after Rule.Idle without a match.
	Session
	// Timed rules expire at Rule.Until.
	Timed
	// Once rules are consumed by their first match.
	Once
)

var lifetimeNames = [...]string{Permanent: "permanent", Session: "session", Timed: "timed", Once: "once"}

func (l Lifetime) String() string {
	if l <= Once {
		return lifetimeNames[l]
	}
	return "Lifetime(" + strconv.Itoa(int(l)) + ")"
}

// ParseLifetime reads "permanent", "session", "timed" or "once" (any case).
func ParseLifetime(s string) (Lifetime, error) {
	for l := Permanent; l <= Once; l++ {
		if strings.EqualFold(s, lifetimeNames[l]) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("bad lifetime %q: want permanent, session, timed or once", s)
}

// saved reports whether rules of this lifetime go in the rules file.
func (l Lifetime) saved() bool { return l == Permanent || l == Timed }
