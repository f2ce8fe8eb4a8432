package firewall

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"full", Config{Backend: BackendNFT, Families: IPv6, Sets6: []string{"a", "b"}, Chains: []string{"FORWARD"},
			Log: LogConfig{Target: LogNFLOG, Prefix: strings.Repeat("x", 63), Group: 9, Hook: HookNone}, Queue: &QueueConfig{Num: 65535, RejectMark: 0xffffffff}}, true},
		{"backend", Config{Backend: "nftables"}, false},
		{"families", Config{Families: 4}, false},
		{"empty set name", Config{Sets4: []string{""}}, false},
		{"long set name", Config{Sets4: []string{strings.Repeat("s", 32)}}, false},
		{"set name with space", Config{Sets6: []string{"a b"}}, false},
		{"duplicate set", Config{Sets4: []string{"a", "a"}}, false},
		{"chain OUTPUT", Config{Chains: []string{"OUTPUT"}}, false},
		{"duplicate chain", Config{Chains: []string{"INPUT", "INPUT"}}, false},
		{"log target", Config{Log: LogConfig{Target: "ulog"}}, false},
		{"LOG prefix length", Config{Log: LogConfig{Prefix: strings.Repeat("x", 30)}}, false},
		{"NFLOG prefix length", Config{Log: LogConfig{Target: LogNFLOG, Prefix: strings.Repeat("x", 64)}}, false},
		{"prefix quote", Config{Log: LogConfig{Prefix: `a"b`}}, false},
		{"prefix newline", Config{Log: LogConfig{Prefix: "a\nb"}}, false},
		{"hook", Config{Log: LogConfig{Hook: "top"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("Validate = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
