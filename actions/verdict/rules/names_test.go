package rules

import (
	"errors"
	"testing"
)

// named is a connection to dst whose address is known by names.
func named(dst string, names ...string) Conn {
	c := conn("/usr/bin/curl", dst, 443, ProtoTCP)
	c.Names = names
	return c
}

// TestLearnedNames: host=NAME matches the names a connection's address is
// known by, host=*.DOMAIN matches names ending in .DOMAIN only,
// label-aligned, never DOMAIN itself, and never an address by itself.
func TestLearnedNames(t *testing.T) {
	for _, tt := range []struct {
		rule  string
		c     Conn
		match bool
	}{
		{"allow host=www.test.example", named("198.51.100.7", "www.test.example"), true},
		{"allow host=www.test.example.", named("198.51.100.7", "www.test.example"), true},
		{"allow host=WWW.test.example", named("198.51.100.7", "x.example", "www.test.example"), true},
		{"allow host=www.test.example", named("198.51.100.7", "test.example"), false},
		{"allow host=www.test.example", named("198.51.100.7"), false},
		{"allow host=*.test.example", named("198.51.100.7", "www.test.example"), true},
		{"allow host=*.test.example", named("198.51.100.7", "a.b.test.example"), true},
		{"allow host=*.test.example.", named("198.51.100.7", "a.test.example"), true},
		{"allow host=*.test.example", named("198.51.100.7", "test.example"), false},
		{"allow host=*.test.example", named("198.51.100.7", "eviltest.example"), false},
		{"allow host=*.test.example", named("198.51.100.7", "www.test.example.evil"), false},
		{"allow host=*.test.example", named("198.51.100.7", ".test.example"), false},
		{"allow host=*.test.example", named("198.51.100.7"), false},
		{"allow host=*.test.example dst=198.51.100.0/24", named("198.51.100.7", "w.test.example"), true},
		{"allow host=*.test.example dst=203.0.113.0/24", named("198.51.100.7", "w.test.example"), false},
	} {
		s := testSet(t, nil)
		r, err := s.AddLearned(mustParse(t, tt.rule), t0)
		if err != nil {
			t.Fatalf("%s: %v", tt.rule, err)
		}
		if _, ok := s.Match(tt.c, t0); ok != tt.match {
			t.Errorf("%s vs %v names %q: match %v, want %v", r, tt.c.Dst, tt.c.Names, ok, tt.match)
		}
	}
}

// TestWildcardNeverResolved: a wildcard is not looked up when added, nor
// by Resolve, and Add does not fail for it.
func TestWildcardNeverResolved(t *testing.T) {
	dns := newFakeDNS(nil)
	s := testSet(t, dns)
	mustAdd(t, s, "allow host=*.test.example")
	if err := s.Resolve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if dns.lookups != 0 {
		t.Errorf("%d look-ups", dns.lookups)
	}
}

// TestAddLearned: an unresolvable learned name is added (Add refuses it),
// and Resolve still looks it up later.
func TestAddLearned(t *testing.T) {
	dns := newFakeDNS(nil)
	s := testSet(t, dns)
	if _, err := s.Add(mustParse(t, "allow host=gone.example"), t0); !errors.Is(err, ErrResolve) {
		t.Fatalf("Add: %v, want ErrResolve", err)
	}
	if _, err := s.AddLearned(mustParse(t, "allow host=gone.example"), t0); err != nil {
		t.Fatal(err)
	}
	dns.set("gone.example", "192.0.2.4")
	if err := s.Resolve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Match(named("192.0.2.4"), t0); !ok {
		t.Error("the resolved address does not match")
	}
}

func TestWildcardValidate(t *testing.T) {
	for _, line := range []string{"allow host=*", "allow host=*.", "allow host=a.*.example", "allow host=*example.com",
		"allow host=**.example", "allow host=*.*.example"} {
		r, err := ParseLine(line, testUsers)
		if err == nil {
			err = r.Validate()
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", line, err)
		}
	}
	r := mustParse(t, "allow host=*.Test.Example")
	if r.Host != "*.test.example" || r.String() != "allow exe=any host=*.test.example" {
		t.Errorf("parsed %q, written %q", r.Host, r.String())
	}
}

func TestWildcardSpecificity(t *testing.T) {
	s := testSet(t, newFakeDNS(map[string]string{"www.test.example": "198.51.100.7"}))
	mustAdd(t, s, "deny host=*.test.example")
	exact := mustAdd(t, s, "allow host=www.test.example")
	addr := mustAdd(t, s, "deny dst=198.51.100.7")
	if r, _ := s.Match(named("198.51.100.7", "www.test.example"), t0); r.ID != addr.ID {
		t.Errorf("address rule did not win: %v", r)
	}
	s.Delete(addr.ID)
	if r, _ := s.Match(named("198.51.100.7", "www.test.example"), t0); r.ID != exact.ID {
		t.Errorf("exact name did not beat the wildcard: %v", r)
	}
}
