package script

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
)

func TestValidate(t *testing.T) {
	ok := "/usr/local/bin/alert SRCIP"
	for _, tc := range []struct {
		name  string
		cfg   Config
		field string // "" when valid
	}{
		{"minimal", Config{Command: ok}, ""},
		{"full", Config{Name: "desk", Command: ok, Mode: ModeAttacker, Timeout: time.Minute, MaxConcurrent: 2, Window: time.Hour, Remember: 10}, ""},
		{"empty command", Config{}, "command"},
		{"only assignments", Config{Command: "A=1 B=2"}, "command"},
		{"shell syntax", Config{Command: ok + " | logger"}, "command"},
		{"mode", Config{Command: ok, Mode: "always"}, "mode"},
		{"timeout", Config{Command: ok, Timeout: 2 * time.Hour}, "timeout"},
		{"concurrency", Config{Command: ok, MaxConcurrent: -1}, "max_concurrent"},
		{"window", Config{Command: ok, Window: -time.Second}, "window"},
		{"remember", Config{Command: ok, Remember: MaxRemember + 1}, "remember"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var ce *etc.ConfigError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.field != "" && (!errors.As(err, &ce) || ce.Key != tc.field || !errors.Is(err, ErrConfig)):
				t.Fatalf("Validate: %v; want a *etc.ConfigError about %s", err, tc.field)
			}
		})
	}
	var se *SyntaxError
	if err := (Config{Command: "x $(id)"}).Validate(); !errors.As(err, &se) {
		t.Errorf("a syntax error is not a *SyntaxError: %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	c, err := parseCommand(`DISPLAY=:0.0 XAUTHORITY=/home/USER/.Xauthority 1X=y notify-send -t 0 A=b "Firewall Alert"`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.assign, []string{"DISPLAY=:0.0", "XAUTHORITY=/home/USER/.Xauthority"}) ||
		c.program != "1X=y" || !slices.Equal(c.args, []string{"notify-send", "-t", "0", "A=b", "Firewall Alert"}) {
		t.Fatalf("%+v", c)
	}
	for _, w := range []string{"=x", "A-B=x", "A", "1=x"} {
		if isAssignment(w) {
			t.Errorf("%q taken for an assignment", w)
		}
	}
}

func TestSubstitute(t *testing.T) {
	ps := []placeholder{{"SRCIP", "198.51.100.7"}, {"DL", "4"}, {"DSTIP", "SRCIP DL"}, {"HOST", ""}}
	for _, tc := range []struct{ arg, want string }{
		{"SRCIP", "198.51.100.7"},
		{"Intrusion detected from SRCIP", "Intrusion detected from 198.51.100.7"},
		{"SRCIP:DL/SRCIP.log", "198.51.100.7:4/198.51.100.7.log"},
		{"SRCIPS XSRCIP SRCIP_1 srcip DL2", "SRCIPS XSRCIP SRCIP_1 srcip DL2"},
		{"to DSTIP", "to SRCIP DL"}, // a value is not substituted again
		{"[HOST]", "[]"},
		{"é-DL-ü", "é-4-ü"},
		{"", ""},
	} {
		if got := substitute(tc.arg, ps); got != tc.want {
			t.Errorf("substitute(%q) = %q, want %q", tc.arg, got, tc.want)
		}
	}
}

func TestEnvironment(t *testing.T) {
	// A command cannot set IFW_TRUSTED (or any IFW_ value) itself.
	got := environment([]string{"PATH=/opt/bin", "A=1", "A=2", "IFW_SRCIP=forged", "IFW_TRUSTED=yes"},
		[]placeholder{{"SRCIP", "198.51.100.7"}}, false)
	want := []string{"PATH=/opt/bin", "A=2", "IFW_SRCIP=198.51.100.7", "IFW_TRUSTED=no"}
	if !slices.Equal(got, want) {
		t.Fatalf("environment %q, want %q", got, want)
	}
	if got := environment(nil, nil, true); !slices.Equal(got, []string{"PATH=" + DefaultPath, "IFW_TRUSTED=yes"}) {
		t.Fatalf("trusted: environment %q", got)
	}
}
