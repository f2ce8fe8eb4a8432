package config

import (
	"github.com/ifw/ifw/alerts/fleet"
)

// Fleet is the [fleet] section: how the daemons sharing [store] url tell
// a scan of the fleet (an attacker touching many hosts, each below its
// own thresholds). Without [store] url it has no effect.
type Fleet struct {
	fleet.ScanConfig
}

func defaultFleet() Fleet { return Fleet{ScanConfig: fleet.DefaultScanConfig()} }

var fleetKeys = keys[Fleet]{
	"hosts":   func(v string, f *Fleet) error { return levels(v, &f.Hosts) },
	"window":  func(v string, f *Fleet) error { return duration(v, &f.Window) },
	"sources": func(v string, f *Fleet) error { return positive(v, &f.Sources) },
}

func (f *Fleet) validate() error { return f.ScanConfig.Validate() }
