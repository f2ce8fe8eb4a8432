package signatures

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
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
		{"danger_levels", func(c *Config) { c.DangerLevels[2] = c.DangerLevels[1] }},
		{"danger_levels", func(c *Config) { c.DangerLevels[0] = 0 }},
		{"sweep_levels", func(c *Config) { c.SweepLevels = [5]int{5, 4, 6, 7, 8} }},
		{"sweep_levels", func(c *Config) { c.MaxDestinations = 100 }},
		{"scan_timeout", func(c *Config) { c.ScanTimeout = 0 }},
		{"invalid_icmp_level", func(c *Config) { c.InvalidICMPLevel = 6 }},
		{"min_port_range", func(c *Config) { c.MinPortRange = -1 }},
		{"min_protocols", func(c *Config) { c.MinProtocols = 0 }},
		{"proto_scan_min_protocols", func(c *Config) { c.ProtoScanMinProtos = 1 }},
		{"max_sources", func(c *Config) { c.MaxSources = 0 }},
		{"max_report_items", func(c *Config) { c.MaxReportItems = 0 }},
		{"home_net", func(c *Config) { c.HomeNet = []netip.Prefix{{}} }},
		{"ignore_ports", func(c *Config) { c.IgnorePorts = []PortRange{{0, 10, 9}} }},
		{"ignore_interfaces", func(c *Config) { c.IgnoreInterfaces = []string{"+"} }},
		{"require_prefix", func(c *Config) { c.RequirePrefix = []string{" "} }},
		{"ignore_chains", func(c *Config) { c.IgnoreChains = []sources.Chain{7} }},
	} {
		c := DefaultConfig()
		tc.mod(&c)
		err := c.Validate()
		var ce *etc.ConfigError
		if !errors.As(err, &ce) || ce.Key != tc.field || !errors.Is(err, ErrConfig) {
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
