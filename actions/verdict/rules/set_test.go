package rules

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

func TestAdd(t *testing.T) {
	s := testSet(t, nil)
	now := t0.Add(1500 * time.Millisecond).In(time.FixedZone("X", 3600))
	r, err := s.Add(Rule{ID: 99, Action: Deny, SHA256: "AB" + sha[2:], Dst: netip.MustParsePrefix("::ffff:10.1.2.3/104")}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := Rule{ID: 1, Action: Deny, SHA256: "ab" + sha[2:], Dst: netip.MustParsePrefix("10.0.0.0/8"), Created: t0.Add(time.Second)}
	if r != want {
		t.Errorf("Add =\n%+v\nwant\n%+v", r, want)
	}
	if got, ok := s.Get(1); !ok || got != want {
		t.Errorf("Get(1) = %+v %v", got, ok)
	}
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	r2, err := s.Add(Rule{Action: Allow, Exe: "/bin/x", Created: created}, now)
	if err != nil || r2.ID != 2 || !r2.Created.Equal(created) {
		t.Errorf("Add with Created = %+v, %v", r2, err)
	}
}

func TestAddErrors(t *testing.T) {
	s := testSet(t, newFakeDNS(map[string]string{"example.org": "203.0.113.7"}))
	first := mustAdd(t, s, "allow exe=/usr/bin/curl port=443 note=first")
	tests := []struct {
		name string
		r    Rule
		is   error
	}{
		{"no action", Rule{Exe: "/bin/x"}, ErrInvalid},
		{"relative exe", Rule{Action: Allow, Exe: "bin/x"}, ErrInvalid},
		{"timed without until", Rule{Action: Allow, Lifetime: Timed}, ErrInvalid},
		{"until without timed", Rule{Action: Allow, Until: t0.Add(time.Hour)}, ErrInvalid},
		{"idle without session", Rule{Action: Allow, Idle: time.Minute}, ErrInvalid},
		{"uid without user", Rule{Action: Allow, UID: 5}, ErrInvalid},
		{"numeric user, other uid", Rule{Action: Allow, User: "5", UID: 6}, ErrInvalid},
		{"bad lifetime", Rule{Action: Allow, Lifetime: 9}, ErrInvalid},
		{"bad prefix", Rule{Action: Allow, Dst: netip.PrefixFrom(netip.MustParseAddr("10.0.0.1"), 40)}, ErrInvalid},
		{"unresolvable host", Rule{Action: Allow, Host: "nowhere.example"}, ErrResolve},
		{"duplicate", Rule{Action: Allow, Exe: "/usr/bin/curl", Ports: PortRange{443, 443}, Note: "other note"}, ErrDuplicate},
	}
	for _, tt := range tests {
		got, err := s.Add(tt.r, t0)
		if !errors.Is(err, tt.is) {
			t.Errorf("%s: Add = %v, want %v", tt.name, err, tt.is)
		}
		if tt.is == ErrDuplicate && got != first {
			t.Errorf("duplicate: Add returned %+v, want the rule already there %+v", got, first)
		}
	}
	if s.Len() != 1 {
		t.Errorf("Len = %d after failed Adds", s.Len())
	}
}

func TestAddResolvesNewHostsOnce(t *testing.T) {
	dns := newFakeDNS(map[string]string{"example.org": "203.0.113.7"})
	s := testSet(t, dns)
	mustAdd(t, s, "allow host=example.org port=80")
	mustAdd(t, s, "allow host=example.org port=443")
	if dns.lookups != 1 {
		t.Errorf("%d look-ups, want 1", dns.lookups)
	}
	if _, ok := s.Match(conn("/bin/x", "203.0.113.7", 443, ProtoTCP), t0); !ok {
		t.Error("host rule added does not match at once")
	}
}

func TestDeleteListEntries(t *testing.T) {
	s := testSet(t, nil)
	a := mustAdd(t, s, "allow exe=/bin/a")
	b := mustAdd(t, s, "deny exe=/bin/b port=22")
	c := mustAdd(t, s, "allow exe=/bin/a lifetime=session")
	d := mustAdd(t, s, "allow exe=/bin/d until=2027-01-01T00:00:00Z")
	if got := s.List(); len(got) != 4 || got[0] != a || got[1] != b || got[2] != c || got[3] != d {
		t.Errorf("List = %v", got)
	}
	if got := s.Saved(); len(got) != 3 || got[0] != a || got[1] != b || got[2] != d {
		t.Errorf("Saved = %v", got)
	}
	s.Match(conn("/bin/a", "203.0.113.2", 80, ProtoTCP), t0.Add(time.Second))
	s.Match(conn("/bin/a", "203.0.113.2", 80, ProtoTCP), t0.Add(3*time.Second))
	s.Match(conn("/bin/a", "203.0.113.2", 80, ProtoTCP), t0.Add(2*time.Second))
	es := s.Entries()
	if es[0].Hits != 3 || !es[0].LastUsed.Equal(t0.Add(3*time.Second)) || es[1].Hits != 0 || !es[1].LastUsed.IsZero() {
		t.Errorf("Entries = %+v", es)
	}
	if got, ok := s.Delete(b.ID); !ok || got != b {
		t.Errorf("Delete(%d) = %v %v", b.ID, got, ok)
	}
	if _, ok := s.Delete(b.ID); ok {
		t.Error("second Delete succeeded")
	}
	if _, ok := s.Get(b.ID); ok || s.Len() != 3 {
		t.Errorf("deleted rule still there (Len %d)", s.Len())
	}
	if e := mustAdd(t, s, "deny exe=/bin/b port=22"); e.ID != 5 {
		t.Errorf("re-added rule got ID %d, want 5 (IDs are never reused)", e.ID)
	}
}
