package rules

import (
	"strings"
	"testing"
)

func TestActionNames(t *testing.T) {
	tests := []struct {
		in      string
		want    Action
		wantErr bool
	}{
		{"allow", Allow, false},
		{"DENY", Deny, false},
		{"reject", Reject, false},
		{"permit", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAction(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseAction(%q) = %v, %v", tt.in, got, err)
		}
		if err == nil && got.String() != strings.ToLower(tt.in) {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	if s := Action(9).String(); s != "Action(9)" {
		t.Errorf("Action(9).String() = %q", s)
	}
}

func TestLifetimeNames(t *testing.T) {
	for l := Permanent; l <= Once; l++ {
		got, err := ParseLifetime(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLifetime(%q) = %v, %v", l.String(), got, err)
		}
	}
	if _, err := ParseLifetime("forever"); err == nil {
		t.Error("ParseLifetime(forever) did not fail")
	}
	if s := Lifetime(7).String(); s != "Lifetime(7)" {
		t.Errorf("Lifetime(7).String() = %q", s)
	}
}

func TestProto(t *testing.T) {
	tests := []struct {
		in   string
		want uint8
		name string
		bad  bool
	}{
		{in: "any", want: 0, name: "any"},
		{in: "0", want: 0, name: "any"},
		{in: "tcp", want: 6, name: "tcp"},
		{in: "UDP", want: 17, name: "udp"},
		{in: "icmp", want: 1, name: "icmp"},
		{in: "icmpv6", want: 58, name: "icmpv6"},
		{in: "icmp6", want: 58, name: "icmpv6"},
		{in: "udplite", want: 136, name: "udplite"},
		{in: "sctp", want: 132, name: "sctp"},
		{in: "47", want: 47, name: "gre"},
		{in: "gre", want: 47, name: "gre"},
		{in: "99", want: 99, name: "99"},
		{in: "255", want: 255, name: "255"},
		{in: "256", bad: true},
		{in: "bogus", bad: true},
		{in: "-1", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseProto(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseProto(%q) = %d, %v", tt.in, got, err)
			continue
		}
		if !tt.bad && ProtoName(got) != tt.name {
			t.Errorf("ProtoName(%d) = %q, want %q", got, ProtoName(got), tt.name)
		}
	}
}
