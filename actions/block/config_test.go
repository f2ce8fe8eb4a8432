package block

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
)

func TestConfigValidate(t *testing.T) {
	level := func(l int, d time.Duration) Config {
		var c Config
		c.DurationByLevel[l] = d
		return c
	}
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"full", Config{Auto: true, MinLevel: 3, RepeatFactor: 1.5, RepeatWindow: time.Hour, MaxDuration: 24 * time.Hour, SyncInterval: time.Second}, true},
		{"permanent level", level(5, Forever), true},
		{"level 1s", level(1, time.Second), true},
		{"level below 1s", level(1, time.Millisecond), false},
		{"level negative", level(2, -2), false},
		{"min level 6", Config{MinLevel: 6}, false},
		{"min level negative", Config{MinLevel: -1}, false},
		{"factor below 1", Config{RepeatFactor: 0.5}, false},
		{"factor huge", Config{RepeatFactor: 1e6}, false},
		{"factor NaN", Config{RepeatFactor: math.NaN()}, false},
		{"factor infinite", Config{RepeatFactor: math.Inf(1)}, false},
		{"window negative", Config{RepeatWindow: -time.Second}, false},
		{"max below 1s", Config{MaxDuration: time.Millisecond}, false},
		{"sync too fast", Config{SyncInterval: time.Millisecond}, false},
		{"sync too slow", Config{SyncInterval: 2 * time.Hour}, false},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		var ce *etc.ConfigError
		if tt.ok != (err == nil) || err != nil && (!errors.Is(err, ErrConfig) || !errors.As(err, &ce) || ce.Key == "") {
			t.Errorf("%s: %v; want an *etc.ConfigError about a key, matching ErrConfig", tt.name, err)
		}
	}
	if err := ValidateWiden(33, 0); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "bulk_widen4") {
		t.Errorf("widen /33: %v", err)
	}
	d := Config{DurationByLevel: level(5, Forever).DurationByLevel}.withDefaults()
	if d.MinLevel != DefaultMinLevel || d.RepeatFactor != DefaultRepeatFactor || d.RepeatWindow != DefaultRepeatWindow ||
		d.SyncInterval != DefaultSyncInterval || d.DurationByLevel[1] != DefaultDuration || d.DurationByLevel[5] != Forever || d.MaxDuration != 0 {
		t.Errorf("defaults %+v", d)
	}
}

func TestSetsConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  SetsConfig
		ok   bool
	}{
		{"zero", SetsConfig{}, true},
		{"names", SetsConfig{Block4: "a4", Block6: "a6", Bulk4: "b4", Bulk6: "b6", NetNS: "/var/run/netns/x"}, true},
		{"longest name", SetsConfig{Block4: strings.Repeat("x", MaxSetName)}, true},
		{"name too long", SetsConfig{Block4: strings.Repeat("x", MaxSetName+1)}, false},
		{"space", SetsConfig{Bulk4: "a b"}, false},
		{"twice", SetsConfig{Block4: "same", Bulk6: "same"}, false},
		{"default twice", SetsConfig{Bulk4: DefaultBlock4}, false},
		{"relative netns", SetsConfig{NetNS: "netns/x"}, false},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		var ce *etc.ConfigError
		if tt.ok != (err == nil) || err != nil && (!errors.Is(err, ErrConfig) || !errors.As(err, &ce) || ce.Key == "") {
			t.Errorf("%s: %v; want an *etc.ConfigError about a key, matching ErrConfig", tt.name, err)
		}
	}
	if err := ValidateWiden(33, 0); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "bulk_widen4") {
		t.Errorf("widen /33: %v", err)
	}
	d := SetsConfig{}.withDefaults()
	if d.Block4 != DefaultBlock4 || d.Bulk6 != DefaultBulk6 || d.MaxElem != DefaultMaxElem || d.BulkMaxElem != DefaultBulkMaxElem {
		t.Errorf("defaults %+v", d)
	}
}
