package config

import (
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts/fleet"
)

// TestFleetSection: [fleet] hosts/window/sources over the defaults (3 5
// 10 20 50 hosts, 1h, 4096); a bad value is refused at its line.
func TestFleetSection(t *testing.T) {
	cfg, err := Load(writeConf(t, "[daemon]\ndatabase = /tmp/x.db\n"), true)
	if err != nil || cfg.Fleet.ScanConfig != fleet.DefaultScanConfig() {
		t.Fatalf("defaults %+v, %v", cfg.Fleet, err)
	}
	cfg, err = Load(writeConf(t, "[fleet]\nhosts = 2 4 8 16 32\nwindow = 30m\nsources = 100\n"), true)
	if err != nil || cfg.Fleet.Hosts != [5]int{2, 4, 8, 16, 32} || cfg.Fleet.Window != 30*time.Minute || cfg.Fleet.Sources != 100 {
		t.Fatalf("%+v, %v", cfg.Fleet, err)
	}
	for text, want := range map[string]string{
		"[fleet]\nhosts = 3 5 10\n":         "ifw.conf:2: [fleet] hosts",
		"[fleet]\n\nhosts = 5 3 10 20 50\n": "ifw.conf:3: [fleet] hosts",
		"[fleet]\nwindow = 10\n":            "ifw.conf:2: [fleet] window",
		"[fleet]\nsources = 0\n":            "ifw.conf:2: [fleet] sources",
	} {
		_, err := Load(writeConf(t, text), true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}
