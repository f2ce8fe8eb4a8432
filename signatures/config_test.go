package signatures

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		mod   func(*Config)
	}{
		{"DangerLevels", func(c *Config) { c.DangerLevels[2] = c.DangerLevels[1] }},
		{"DangerLevels", func(c *Config) { c.DangerLevels[0] = 0 }},
		{"SweepLevels", func(c *Config) { c.SweepLevels = [5]int{5, 4, 6, 7, 8} }},
		{"SweepLevels", func(c *Config) { c.MaxDestinations = 100 }},
		{"ScanTimeout", func(c *Config) { c.ScanTimeout = 0 }},
		{"InvalidICMPLevel", func(c *Config) { c.InvalidICMPLevel = 6 }},
		{"MinPortRange", func(c *Config) { c.MinPortRange = -1 }},
		{"MinProtocols", func(c *Config) { c.MinProtocols = 0 }},
		{"ProtoScanMinProtos", func(c *Config) { c.ProtoScanMinProtos = 1 }},
		{"MaxSources", func(c *Config) { c.MaxSources = 0 }},
		{"MaxReportItems", func(c *Config) { c.MaxReportItems = 0 }},
		{"IgnoreSources/HomeNet", func(c *Config) { c.HomeNet = []netip.Prefix{{}} }},
		{"IgnorePorts", func(c *Config) { c.IgnorePorts = []PortRange{{0, 10, 9}} }},
		{"IgnoreInterfaces", func(c *Config) { c.IgnoreInterfaces = []string{"+"} }},
		{"RequirePrefix", func(c *Config) { c.RequirePrefix = []string{" "} }},
		{"IgnoreChains", func(c *Config) { c.IgnoreChains = []sources.Chain{7} }},
	} {
		c := DefaultConfig()
		tc.mod(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: %v", tc.field, err)
		}
		if _, err := New(c, nil); !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("New %s: %v", tc.field, err)
		}
	}
	c := DefaultConfig()
	c.ScanTimeout = time.Minute
	if _, err := New(c, nil); err != nil {
		t.Error(err)
	}
}
