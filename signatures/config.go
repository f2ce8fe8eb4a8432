package signatures

import (
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/sources"
)

// MaxLevel is the highest danger level.
const MaxLevel = 5

// PortRange is a protocol and an inclusive destination-port range. Proto 0
// means any protocol that has ports.
type PortRange struct {
	Proto  uint8
	Lo, Hi uint16
}

// Contains reports whether a packet of protocol proto to port falls in r.
func (r PortRange) Contains(proto uint8, port uint16) bool {
	return (r.Proto == 0 || r.Proto == proto) && port >= r.Lo && port <= r.Hi
}

// Config holds every threshold of the engine. DefaultConfig returns psad's
// defaults; the zero Config is not valid.
type Config struct {
	// DangerLevels are the packet counts of one source→destination pair
	// that reach danger levels 1–5 (psad DANGER_LEVEL1..5).
	DangerLevels [MaxLevel]int
	// SweepLevels are the distinct destinations of one source that reach
	// danger levels 1–5.
	SweepLevels [MaxLevel]int
	// ScanTimeout is how long a source's state lives after its last packet
	// (psad SCAN_TIMEOUT).
	ScanTimeout time.Duration
	// MaxClockAhead is how far after the host clock (Engine.SetNow) a
	// packet may be dated; a later one is counted at that bound.
	MaxClockAhead time.Duration

	// A pair scores only when its TCP/UDP/UDPLITE destination-port range
	// (max-min; without such a port above 0, its packet count, as in psad)
	// is at least MinPortRange, or its source used at least
	// MinProtocols IP protocols, or touched at least MinDestinations
	// destinations.
	MinPortRange    int
	MinProtocols    int
	MinDestinations int
	// AckScanMinPorts is the number of distinct destination ports that ACK-
	// or RST-flagged packets of one class must reach, from a source to one
	// destination, before they count as a scan.
	AckScanMinPorts int
	// ProtoScanMinProtos is the number of distinct IP protocols from a source
	// to one destination, at least one of them not TCP, UDP, UDPLITE, ICMP
	// or ICMPv6, that make a "proto" (IP protocol) scan.
	ProtoScanMinProtos int
	// InvalidICMPLevel is the level an invalid ICMP/ICMPv6 type or code
	// raises its source to (0 disables).
	InvalidICMPLevel int

	// MaxSources bounds the tracked sources (least recently seen evicted).
	MaxSources int
	// MaxDestinations bounds the destinations tracked per source.
	MaxDestinations int
	// MaxSignatures bounds the distinct signature hits kept per source.
	MaxSignatures int
	// MaxPortBitmaps bounds the 8 KiB port bitmaps of the whole engine; a
	// port set that needs one when none is left stops counting new ports.
	MaxPortBitmaps int
	// MaxReportItems bounds Destinations, Targets and Scans in an Attacker.
	MaxReportItems int
	// Retain, when above 0, keeps up to this many snapshots of attackers
	// (level 1 or more; every level with RetainLevelZero) whose state
	// ended — expired, restarted or evicted — so that Attackers reports
	// every attacker of a long log, as offline analysis needs. The live
	// daemon leaves it 0.
	Retain int
	// RetainLevelZero makes Retain keep sources that ended at level 0 too
	// (ifw analyze --min-level 0 lists every source of a log).
	RetainLevelZero bool
	// CompactNoise keeps a source whose one packet left it at level 0 in a
	// small record instead of a source state until its second packet
	// (noise.go): cheaper for the Internet's one-packet noise, the same
	// reports. ifw analyze sets it; it is off with RetainLevelZero.
	CompactNoise bool

	// AutoDL assigns levels per address or network (psad auto_dl); nil: none.
	AutoDL *AutoDL

	// Ignore lists. Packets they match are not counted at all.
	IgnoreSources     []netip.Prefix  // source addresses and networks
	IgnorePorts       []PortRange     // destination ports
	IgnoreProtocols   []uint8         // IP protocols
	IgnoreInterfaces  []string        // input interfaces; a trailing "+" matches a name prefix
	IgnoreLogPrefixes []string        // log prefixes containing (or equal to) any of these
	IgnoreChains      []sources.Chain // default: output (our own packets)
	// HomeNet, when set, ignores packets whose destination is outside it.
	HomeNet []netip.Prefix
	// RequirePrefix, when set, ignores packets whose log prefix contains none
	// of these (psad FW_MSG_SEARCH).
	RequirePrefix []string
}

// DefaultConfig returns psad's defaults.
func DefaultConfig() Config {
	return Config{
		DangerLevels:       [MaxLevel]int{5, 15, 150, 1500, 10000},
		SweepLevels:        [MaxLevel]int{10, 20, 50, 100, 500},
		ScanTimeout:        3600 * time.Second,
		MaxClockAhead:      5 * time.Minute,
		MinPortRange:       1,
		MinProtocols:       5,
		MinDestinations:    10,
		AckScanMinPorts:    8,
		ProtoScanMinProtos: 3,
		InvalidICMPLevel:   2,
		MaxSources:         100000,
		MaxDestinations:    1024,
		MaxSignatures:      64,
		MaxPortBitmaps:     4096,
		MaxReportItems:     256,
		IgnoreChains:       []sources.Chain{sources.ChainOutput},
	}
}

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the [detect] key of the field.
var ErrConfig = errors.New("signatures: invalid config")

func cfgErr(key, format string, a ...any) error { return etc.Invalid(ErrConfig, key, format, a...) }

// Validate checks c without I/O. The error is an *etc.ConfigError.
func (c Config) Validate() error {
	checks := []func() error{c.validateLevels, c.validateLimits, c.validateLists}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func increasing(field string, v [MaxLevel]int) error {
	for i, n := range v {
		if n < 1 {
			return cfgErr(field, "level %d threshold %d is not positive", i+1, n)
		}
		if i > 0 && n <= v[i-1] {
			return cfgErr(field, "level %d threshold %d is not above level %d's %d", i+1, n, i, v[i-1])
		}
	}
	return nil
}

func (c Config) validateLevels() error {
	if err := increasing("danger_levels", c.DangerLevels); err != nil {
		return err
	}
	if err := increasing("sweep_levels", c.SweepLevels); err != nil {
		return err
	}
	if c.SweepLevels[MaxLevel-1] > c.MaxDestinations {
		return cfgErr("sweep_levels", "level %d needs %d destinations, above max_destinations %d",
			MaxLevel, c.SweepLevels[MaxLevel-1], c.MaxDestinations)
	}
	if c.ScanTimeout <= 0 {
		return cfgErr("scan_timeout", "%v is not positive", c.ScanTimeout)
	}
	if c.MaxClockAhead <= 0 {
		return cfgErr("max_clock_ahead", "%v is not positive", c.MaxClockAhead)
	}
	if c.InvalidICMPLevel < 0 || c.InvalidICMPLevel > MaxLevel {
		return cfgErr("invalid_icmp_level", "%d is not 0-%d", c.InvalidICMPLevel, MaxLevel)
	}
	if c.MinPortRange < 0 || c.MinPortRange > 65535 {
		return cfgErr("min_port_range", "%d is not 0-65535", c.MinPortRange)
	}
	return nil
}

func (c Config) validateLimits() error {
	limits := []struct {
		name      string
		v, lo, hi int
	}{
		{"min_protocols", c.MinProtocols, 1, 256},
		{"min_destinations", c.MinDestinations, 1, 1 << 30},
		{"ack_scan_min_ports", c.AckScanMinPorts, 1, 65536},
		{"proto_scan_min_protocols", c.ProtoScanMinProtos, 2, 256},
		{"max_sources", c.MaxSources, 1, 1 << 30},
		{"max_destinations", c.MaxDestinations, 1, 1 << 20},
		{"max_signatures", c.MaxSignatures, 0, 1 << 16},
		{"max_port_bitmaps", c.MaxPortBitmaps, 0, 1 << 30},
		{"max_report_items", c.MaxReportItems, 1, 1 << 20},
		{"retain", c.Retain, 0, 1 << 24},
	}
	for _, l := range limits {
		if l.v < l.lo || l.v > l.hi {
			return cfgErr(l.name, "%d is not %d-%d", l.v, l.lo, l.hi)
		}
	}
	return nil
}

func (c Config) validateLists() error {
	for _, l := range []struct {
		key  string
		list []netip.Prefix
	}{{"ignore_sources", c.IgnoreSources}, {"home_net", c.HomeNet}} {
		for _, p := range l.list {
			if !p.IsValid() {
				return cfgErr(l.key, "invalid prefix %v", p)
			}
		}
	}
	for _, r := range c.IgnorePorts {
		if r.Lo > r.Hi {
			return cfgErr("ignore_ports", "range %d-%d is reversed", r.Lo, r.Hi)
		}
	}
	lists := []struct {
		name string
		l    []string
	}{
		{"ignore_interfaces", c.IgnoreInterfaces},
		{"ignore_log_prefixes", c.IgnoreLogPrefixes},
		{"require_prefix", c.RequirePrefix},
	}
	for _, l := range lists {
		for _, s := range l.l {
			if strings.TrimSpace(s) == "" || s == "+" {
				return cfgErr(l.name, "empty entry")
			}
		}
	}
	for _, ch := range c.IgnoreChains {
		if ch > sources.ChainOutput {
			return cfgErr("ignore_chains", "unknown chain %d", ch)
		}
	}
	return nil
}
