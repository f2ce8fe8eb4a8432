package notify

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
		{"no buttons", Config{Actions: []string{}}, true},
		{"some buttons", Config{Actions: []string{ActionIgnore, ActionBlock}}, true},
		{"unknown action", Config{Actions: []string{"shutdown"}}, false},
		{"action twice", Config{Actions: []string{ActionBlock, ActionBlock}}, false},
		{"negative buffer", Config{Buffer: -1}, false},
		{"huge buffer", Config{Buffer: MaxBuffer + 1}, false},
		{"too many subscribers", Config{MaxSubscribers: MaxSubscribers + 1}, false},
		{"per-uid beyond the hub's limit", Config{MaxSubscribersPerUID: MaxSubscribers + 1}, false},
		{"negative per-uid", Config{MaxSubscribersPerUID: -1}, false},
		{"negative pending", Config{MaxPending: -1}, false},
		{"tiny answer window", Config{AnswerWindow: time.Millisecond}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Fatalf("Validate: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestFallbackConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  FallbackConfig
		ok   bool
	}{
		{"zero", FallbackConfig{}, true},
		{"full", FallbackConfig{Command: []string{"/usr/bin/ifw", "notify-once"}, RuntimeDir: "/run/user", MinUID: 500, Timeout: time.Minute}, true},
		{"relative helper", FallbackConfig{Command: []string{"ifw", "notify-once"}}, false},
		{"empty helper", FallbackConfig{Command: []string{}}, false},
		{"relative runtime dir", FallbackConfig{RuntimeDir: "run/user"}, false},
		{"short timeout", FallbackConfig{Timeout: time.Millisecond}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Fatalf("Validate: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
