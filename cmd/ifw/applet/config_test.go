package applet

import (
	"errors"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"socket and expire", Config{Socket: "/tmp/x.sock", Expire: notify.ExpireNever}, true},
		{"relative socket", Config{Socket: "ifw.sock"}, false},
		{"backoff min above max", Config{BackoffMin: time.Minute, BackoffMax: time.Second}, false},
		{"negative backoff", Config{BackoffMin: -time.Second}, false},
		{"backoff over an hour", Config{BackoffMax: 2 * time.Hour}, false},
		{"negative tracked", Config{MaxTracked: -1}, false},
		{"too many tracked", Config{MaxTracked: maxTracked + 1}, false},
		{"bad expire", Config{Expire: -2 * time.Second}, false},
		{"sub-millisecond expire", Config{Expire: time.Microsecond}, false},
		{"long post timeout", Config{PostTimeout: time.Hour}, false},
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
