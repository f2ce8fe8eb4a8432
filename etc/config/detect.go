package config

import (
	"github.com/ifw/ifw/signatures"
)

// Detect is the [detect] section: the engine's thresholds and the files
// of its lists.
type Detect struct {
	Engine signatures.Config
	// AutoDL is the auto_dl file ("": none); LoadLists reads it into
	// Engine.AutoDL.
	AutoDL string
	// Signatures are the signature files (ifw's or psad's format); none:
	// /etc/ifw/signatures, or the set built into the binary.
	Signatures []string
}

func defaultDetect() Detect { return Detect{Engine: signatures.DefaultConfig()} }

// engineInt is a [detect] key holding a whole number of the engine's.
func engineInt(field func(*signatures.Config) *int) func(string, *Detect) error {
	return func(v string, d *Detect) error { return whole(v, field(&d.Engine)) }
}

var detectKeys = keys[Detect]{
	"danger_levels":            func(v string, d *Detect) error { return levels(v, &d.Engine.DangerLevels) },
	"sweep_levels":             func(v string, d *Detect) error { return levels(v, &d.Engine.SweepLevels) },
	"scan_timeout":             func(v string, d *Detect) error { return duration(v, &d.Engine.ScanTimeout) },
	"max_clock_ahead":          func(v string, d *Detect) error { return duration(v, &d.Engine.MaxClockAhead) },
	"min_port_range":           engineInt(func(e *signatures.Config) *int { return &e.MinPortRange }),
	"min_protocols":            engineInt(func(e *signatures.Config) *int { return &e.MinProtocols }),
	"min_destinations":         engineInt(func(e *signatures.Config) *int { return &e.MinDestinations }),
	"ack_scan_min_ports":       engineInt(func(e *signatures.Config) *int { return &e.AckScanMinPorts }),
	"proto_scan_min_protocols": engineInt(func(e *signatures.Config) *int { return &e.ProtoScanMinProtos }),
	"invalid_icmp_level":       engineInt(func(e *signatures.Config) *int { return &e.InvalidICMPLevel }),
	"max_sources":              engineInt(func(e *signatures.Config) *int { return &e.MaxSources }),
	"home_net":                 func(v string, d *Detect) error { return prefixes(v, &d.Engine.HomeNet) },
	"ignore_sources":           func(v string, d *Detect) error { return prefixes(v, &d.Engine.IgnoreSources) },
	"ignore_ports":             func(v string, d *Detect) error { return portRanges(v, &d.Engine.IgnorePorts) },
	"ignore_protocols":         func(v string, d *Detect) error { return protocols(v, &d.Engine.IgnoreProtocols) },
	"ignore_interfaces":        func(v string, d *Detect) error { d.Engine.IgnoreInterfaces = words(v); return nil },
	"ignore_log_prefixes":      func(v string, d *Detect) error { d.Engine.IgnoreLogPrefixes = commaList(v); return nil },
	"require_prefix":           func(v string, d *Detect) error { d.Engine.RequirePrefix = commaList(v); return nil },
	"auto_dl":                  func(v string, d *Detect) error { d.AutoDL = v; return nil },
	"signatures":               func(v string, d *Detect) error { d.Signatures = words(v); return nil },
}

func (d *Detect) validate() error { return d.Engine.Validate() }
