package verdict

import "fmt"

// Scope is how far the rule an answer makes reaches: the question's
// program to the question's destination and port (the default), to that
// host on any port, or to any destination.
type Scope string

// Scopes.
const (
	ScopePort Scope = "port"
	ScopeHost Scope = "host"
	ScopeAny  Scope = "any"
)

// ParseScope reads a scope; "" is ScopePort.
func ParseScope(s string) (Scope, error) {
	switch Scope(s) {
	case "", ScopePort:
		return ScopePort, nil
	case ScopeHost, ScopeAny:
		return Scope(s), nil
	}
	return "", fmt.Errorf("scope %q: want port, host or any", s)
}

// Wide says whether s reaches further than the question's destination
// and port.
func (s Scope) Wide() bool { return s == ScopeHost || s == ScopeAny }
