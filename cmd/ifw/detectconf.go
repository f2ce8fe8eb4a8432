package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// detectSettings is what the [detect] section holds beyond the engine's
// thresholds: the files it names.
type detectSettings struct {
	engine     signatures.Config
	autoDL     string   // auto_dl file
	signatures []string // signature files (ifw or psad format)
}

type detectKey func(v string, d *detectSettings) error

// detectKeys maps every [detect] key to how it is applied.
var detectKeys = map[string]detectKey{
	"danger_levels":            func(v string, d *detectSettings) error { return levels(v, &d.engine.DangerLevels) },
	"sweep_levels":             func(v string, d *detectSettings) error { return levels(v, &d.engine.SweepLevels) },
	"scan_timeout":             func(v string, d *detectSettings) error { return duration(v, &d.engine.ScanTimeout) },
	"max_clock_ahead":          func(v string, d *detectSettings) error { return duration(v, &d.engine.MaxClockAhead) },
	"min_port_range":           intKey(func(d *detectSettings) *int { return &d.engine.MinPortRange }),
	"min_protocols":            intKey(func(d *detectSettings) *int { return &d.engine.MinProtocols }),
	"min_destinations":         intKey(func(d *detectSettings) *int { return &d.engine.MinDestinations }),
	"ack_scan_min_ports":       intKey(func(d *detectSettings) *int { return &d.engine.AckScanMinPorts }),
	"proto_scan_min_protocols": intKey(func(d *detectSettings) *int { return &d.engine.ProtoScanMinProtos }),
	"invalid_icmp_level":       intKey(func(d *detectSettings) *int { return &d.engine.InvalidICMPLevel }),
	"max_sources":              intKey(func(d *detectSettings) *int { return &d.engine.MaxSources }),
	"home_net":                 func(v string, d *detectSettings) error { return prefixes(v, &d.engine.HomeNet) },
	"ignore_sources":           func(v string, d *detectSettings) error { return prefixes(v, &d.engine.IgnoreSources) },
	"ignore_ports":             func(v string, d *detectSettings) error { return portRanges(v, &d.engine.IgnorePorts) },
	"ignore_protocols":         func(v string, d *detectSettings) error { return protocols(v, &d.engine.IgnoreProtocols) },
	"ignore_interfaces":        func(v string, d *detectSettings) error { d.engine.IgnoreInterfaces = words(v); return nil },
	"ignore_log_prefixes":      func(v string, d *detectSettings) error { d.engine.IgnoreLogPrefixes = commaList(v); return nil },
	"require_prefix":           func(v string, d *detectSettings) error { d.engine.RequirePrefix = commaList(v); return nil },
	"auto_dl":                  func(v string, d *detectSettings) error { d.autoDL = v; return nil },
	"signatures":               func(v string, d *detectSettings) error { d.signatures = words(v); return nil },
}

// loadLists reads the files the settings name: the auto_dl file into the
// engine's config, and the signature sets.
func (d *detectSettings) loadLists() (*rules.Set, error) {
	if d.autoDL != "" {
		fh, err := openRegular(d.autoDL, maxListFile)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		if d.engine.AutoDL, err = signatures.ParseAutoDL(fh, d.autoDL); err != nil {
			return nil, err
		}
	}
	return loadSignatures(d.signatures)
}

// readDetect applies the [detect] section of c over d.
func readDetect(c *confFile, d *detectSettings) error {
	sec, err := c.ini.GetSection("detect")
	if err != nil {
		return nil
	}
	for _, k := range sec.Keys() {
		apply, ok := detectKeys[k.Name()]
		if !ok {
			return c.errorf("detect", k.Name(), "unknown key")
		}
		if err := apply(strings.TrimSpace(k.Value()), d); err != nil {
			return c.errorf("detect", k.Name(), "%v", err)
		}
	}
	if err := d.engine.Validate(); err != nil {
		return &ConfError{File: c.path, Msg: err.Error()}
	}
	return nil
}

func intKey(field func(*detectSettings) *int) detectKey {
	return func(v string, d *detectSettings) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*field(d) = n
		return nil
	}
}

// levels reads five ascending counts.
func levels(v string, dst *[signatures.MaxLevel]int) error {
	f := words(v)
	if len(f) != len(dst) {
		return fmt.Errorf("want %d counts for levels 1-%d, got %d", len(dst), len(dst), len(f))
	}
	for i, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || (i > 0 && n <= dst[i-1]) {
			return fmt.Errorf("%q: counts must be whole numbers, rising", v)
		}
		dst[i] = n
	}
	return nil
}

// duration reads a Go duration and refuses a bare number, which would
// otherwise be nanoseconds.
func duration(v string, dst *time.Duration) error {
	if _, err := strconv.Atoi(v); err == nil {
		return fmt.Errorf("%q needs a unit (e.g. %ss)", v, v)
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration (1h, 90m, 3600s)", v)
	}
	*dst = d
	return nil
}

func prefixes(v string, dst *[]netip.Prefix) error {
	*dst = nil
	if v == "any" || v == "" {
		return nil
	}
	for _, s := range words(v) {
		p, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("%q is not an address or network", s)
		}
		*dst = append(*dst, p)
	}
	return nil
}

func portRanges(v string, dst *[]signatures.PortRange) error {
	*dst = nil
	for _, s := range words(v) {
		r, err := signatures.ParsePortRange(s)
		if err != nil {
			return err
		}
		*dst = append(*dst, r)
	}
	return nil
}

func protocols(v string, dst *[]uint8) error {
	*dst = nil
	for _, s := range words(v) {
		n, ok := sources.ProtoByName(s)
		if !ok {
			return fmt.Errorf("%q is not a protocol", s)
		}
		*dst = append(*dst, n)
	}
	return nil
}

// words splits at commas and white space.
func words(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// commaList splits at commas only (log prefixes hold spaces).
func commaList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
