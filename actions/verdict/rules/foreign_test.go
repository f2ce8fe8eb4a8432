package rules

import (
	"net/netip"
	"testing"
	"time"
)

// TestForeignExe: a program seen in another mount namespace whose file is
// not the one its path names on the host (procs gives its Exe as
// mnt:NS:/path) matches no rule for the plain path, but a rule naming the
// namespace too, or a rule for any executable.
func TestForeignExe(t *testing.T) {
	now := time.Now()
	s := NewSet(Options{})
	for _, line := range []string{
		"allow exe=/usr/bin/curl",
		"deny exe=mnt:4026532714:/usr/bin/curl port=8080",
	} {
		r, err := ParseLine(line, nil)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if _, err := s.Add(r, now); err != nil {
			t.Fatal(err)
		}
	}
	c := Conn{Exe: "mnt:4026532714:/usr/bin/curl", Dst: netip.MustParseAddr("203.0.113.9"), Port: 80, Proto: 6}
	if r, ok := s.Match(c, now); ok {
		t.Errorf("foreign curl on port 80 matched %v; want no rule", r)
	}
	c.Port = 8080
	if r, ok := s.Match(c, now); !ok || r.Action != Deny {
		t.Errorf("foreign curl on port 8080: %v %v; want the rule naming its namespace", r, ok)
	}
	for _, bad := range []string{"allow exe=mnt::/usr/bin/curl", "allow exe=mnt:x1:/usr/bin/curl", "allow exe=mnt:1:usr/bin"} {
		if _, err := ParseLine(bad, nil); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
