package fleet

import (
	"time"

	"github.com/ifw/ifw/etc"
)

// Levels is how many fleet levels there are, as the engine's danger levels.
const Levels = 5

// ScanConfig is how a fleet-wide scan is told ([fleet] in ifw.conf).
type ScanConfig struct {
	// Hosts are the host counts that raise fleet levels 1 to 5 (psad's
	// danger levels over hosts instead of packets): rising, at least 2.
	Hosts [Levels]int
	// Window is how long a sighting counts: a source seen by Hosts[i]
	// hosts within it is at level i+1.
	Window time.Duration
	// Sources bounds the sources a daemon tracks between two reports;
	// more are counted and left out.
	Sources int
}

// DefaultScanConfig: 3/5/10/20/50 hosts within an hour, 4096 sources.
func DefaultScanConfig() ScanConfig {
	return ScanConfig{Hosts: [Levels]int{3, 5, 10, 20, 50}, Window: time.Hour, Sources: 4096}
}

// MaxSources bounds ScanConfig.Sources.
const MaxSources = 1 << 20

// Validate checks c without I/O.
func (c ScanConfig) Validate() error {
	for i, n := range c.Hosts {
		if n < 2 || (i > 0 && n <= c.Hosts[i-1]) {
			return etc.Invalid(ErrConfig, "hosts", "%v: want %d rising host counts, each at least 2", c.Hosts, Levels)
		}
	}
	switch {
	case c.Window < time.Second:
		return etc.Invalid(ErrConfig, "window", "%v is under a second", c.Window)
	case c.Sources < 1 || c.Sources > MaxSources:
		return etc.Invalid(ErrConfig, "sources", "%d is not 1-%d", c.Sources, MaxSources)
	}
	return nil
}

// Level is the fleet level of a source seen by hosts hosts (0: none).
func (c ScanConfig) Level(hosts int) int {
	level := 0
	for i, n := range c.Hosts {
		if hosts >= n {
			level = i + 1
		}
	}
	return level
}
