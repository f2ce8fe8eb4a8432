package logfile

import (
	"errors"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"minimal", Config{Path: "/var/log/kern.log"}, true},
		{"full", Config{Path: "k.log", Name: "kern", Start: Offset{Inode: 5, Dev: 2, Offset: 10},
			Rotated: []string{"k.log.1", "old/k.log"}, Grace: time.Second, DrainLimit: time.Minute, Poll: time.Second}, true},
		{"no path", Config{}, false},
		{"NUL in path", Config{Path: "a\x00b"}, false},
		{"start and from start", Config{Path: "p", FromStart: true, Start: Offset{Inode: 1}}, false},
		{"offset without inode", Config{Path: "p", Start: Offset{Offset: 4}}, false},
		{"negative offset", Config{Path: "p", Start: Offset{Inode: 1, Offset: -1}}, false},
		{"rotated is the path", Config{Path: "p", Rotated: []string{"p"}}, false},
		{"empty rotated name", Config{Path: "p", Rotated: []string{""}}, false},
		{"negative grace", Config{Path: "p", Grace: -time.Second}, false},
		{"poll too fast", Config{Path: "p", Poll: time.Millisecond}, false},
		{"drain limit below grace", Config{Path: "p", Grace: 2 * time.Minute}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("%v does not wrap ErrConfig", err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Path: "/var/log/kern.log"}.withDefaults()
	if c.Name != c.Path || len(c.Rotated) != 1 || c.Rotated[0] != "/var/log/kern.log.1" ||
		c.Grace != DefaultGrace || c.DrainLimit != DefaultDrainLimit || c.Poll != DefaultPoll || c.Location == nil {
		t.Errorf("defaults %+v", c)
	}
}
