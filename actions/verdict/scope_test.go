package verdict

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
)

// The scope of an answer decides how far its rule reaches.
func TestRuleForScope(t *testing.T) {
	q := Question{ID: 7, UID: 1000, User: "al", Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("198.51.100.9"),
		Port: 443, Proto: "tcp"}
	now := time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		scope Scope
		line  string
		broad bool
	}{
		{"", "allow exe=/usr/bin/curl dst=198.51.100.9 port=443 proto=tcp user=al", false},
		{ScopePort, "allow exe=/usr/bin/curl dst=198.51.100.9 port=443 proto=tcp user=al", false},
		{ScopeHost, "allow exe=/usr/bin/curl dst=198.51.100.9 proto=tcp user=al", false},
		{ScopeAny, "allow exe=/usr/bin/curl proto=tcp user=al", true},
	} {
		r := ruleFor(q, Answer{Action: rules.Allow, Lifetime: rules.Session, Scope: tc.scope}, now)
		line := rules.Entry{Rule: r}.String()
		if !containsAll(line, tc.line) {
			t.Errorf("scope %q: rule %q, want the fields of %q", tc.scope, line, tc.line)
		}
		if got := r.Ports != (rules.PortRange{}); got != (tc.scope == ScopePort || tc.scope == "") {
			t.Errorf("scope %q: ports %v", tc.scope, r.Ports)
		}
		if got := !r.Dst.IsValid(); got != tc.broad {
			t.Errorf("scope %q: dst %v", tc.scope, r.Dst)
		}
		if r.Exe != q.Exe || r.UID != q.UID {
			t.Errorf("scope %q: the rule is not this program's and user's: %+v", tc.scope, r)
		}
	}
}

// containsAll says whether every space-separated field of want is a field
// of got.
func containsAll(got, want string) bool {
	fields := map[string]bool{}
	for _, f := range strings.Fields(got) {
		fields[f] = true
	}
	for _, f := range strings.Fields(want) {
		if !fields[f] {
			return false
		}
	}
	return true
}

func TestParseScope(t *testing.T) {
	for in, want := range map[string]Scope{"": ScopePort, "port": ScopePort, "host": ScopeHost, "any": ScopeAny} {
		if got, err := ParseScope(in); err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"Port", "all", " host", "port "} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"", "port", "host", "any", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScope(s)
		if err != nil {
			return
		}
		if sc != ScopePort && sc != ScopeHost && sc != ScopeAny {
			t.Fatalf("%q parsed as %q", s, sc)
		}
		if again, err := ParseScope(string(sc)); err != nil || again != sc {
			t.Fatalf("%q does not parse back: %q, %v", sc, again, err)
		}
	})
}
