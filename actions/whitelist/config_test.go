package whitelist

import (
	"errors"
	"net/netip"
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
		{"full", Config{File: "/etc/ifw/whitelist", ResolvConf: []string{"/etc/resolv.conf"},
			HomeNet: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")}, ResolveTimeout: time.Second}, true},
		{"relative file", Config{File: "whitelist"}, false},
		{"relative resolv.conf", Config{ResolvConf: []string{"resolv.conf"}}, false},
		{"invalid home_net", Config{HomeNet: []netip.Prefix{{}}}, false},
		{"negative timeout", Config{ResolveTimeout: -1}, false},
		{"long timeout", Config{ResolveTimeout: time.Hour}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("Validate = %v, want ok=%v", err, tt.ok)
			}
			if _, err := New(tt.cfg, nil); (err == nil) != tt.ok {
				t.Errorf("New = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
