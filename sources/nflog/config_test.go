package nflog

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
		{"zero", Config{}, true},
		{"full", Config{Group: 5, Name: "nflog-wan", CopyRange: 128, QThresh: 10, Timeout: 50 * time.Millisecond, ReadBuffer: 1 << 20, NetNS: "/var/run/netns/x"}, true},
		{"name with space", Config{Name: "a b"}, false},
		{"copy range too small", Config{CopyRange: 40}, false},
		{"qthresh too large", Config{QThresh: MaxQThresh + 1, Timeout: time.Second}, false},
		{"qthresh without timeout", Config{QThresh: 2}, false},
		{"negative timeout", Config{Timeout: -time.Second}, false},
		{"timeout too long", Config{Timeout: time.Hour}, false},
		{"negative read buffer", Config{ReadBuffer: -1}, false},
		{"relative netns", Config{NetNS: "netns/x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Fatalf("%v does not match ErrConfig", err)
			}
			if _, nerr := New(tt.cfg, nil); (nerr == nil) != tt.ok {
				t.Fatalf("New() = %v, want ok %v", nerr, tt.ok)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	s, err := New(Config{Group: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.cfg
	if s.Name() != "nflog:7" || c.CopyRange != DefaultCopyRange || c.QThresh != 1 || c.ReadBuffer != DefaultReadBuffer || c.timeoutTicks() != 0 {
		t.Fatalf("defaults: %+v", c)
	}
	for d, want := range map[time.Duration]uint32{time.Millisecond: 1, 10 * time.Millisecond: 1, 25 * time.Millisecond: 3, time.Second: 100} {
		if got := (Config{Timeout: d}).timeoutTicks(); got != want {
			t.Errorf("timeout %s: %d ticks, want %d", d, got, want)
		}
	}
}
