package kmsg

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults.
const (
	DefaultPath       = "/dev/kmsg"
	DefaultName       = "kmsg"
	DefaultBootIDPath = "/proc/sys/kernel/random/boot_id"
)

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the field's ifw.conf key.
var ErrConfig = errors.New("kmsg: invalid config")

// Position is where a reader stopped: the boot it read and the sequence
// number of the last record it handed on. Sequence numbers restart at each
// boot, so a Position from another boot is not resumed.
type Position struct {
	BootID string `json:"boot_id"`
	Seq    uint64 `json:"seq"`
}

// Config configures a Source.
type Config struct {
	// Path of the kernel log device; empty means DefaultPath.
	Path string
	// Name is the source name in packets and status; empty means DefaultName.
	Name string
	// StartAtEnd skips the records already in the ring buffer (a daemon's
	// first start). It is ignored when Resume is set: a Position from this
	// boot resumes after it, one from another boot reads this boot's ring
	// from its start.
	StartAtEnd bool
	// Resume, when set, is the Position a previous run saved.
	Resume *Position
	// BootTime turns the records' uptime into wall-clock time. Zero means
	// estimate it from the clocks (realtime minus monotonic), again for every
	// record, so that a suspend or a clock step is followed.
	BootTime time.Time
	// BootIDPath is read for the current boot ID; empty means
	// DefaultBootIDPath.
	BootIDPath string
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	for _, p := range []struct{ field, path string }{{"path", c.Path}, {"boot_id_path", c.BootIDPath}} {
		if p.path != "" && !filepath.IsAbs(p.path) {
			return etc.Invalid(ErrConfig, p.field, "%q is not an absolute path", p.path)
		}
	}
	if c.Name != "" && !printable(c.Name) {
		return etc.Invalid(ErrConfig, "name", "name %q must be printable without spaces", c.Name)
	}
	if c.Resume != nil && c.Resume.BootID != "" && !printable(c.Resume.BootID) {
		return etc.Invalid(ErrConfig, "resume", "resume boot ID %q must be printable without spaces", c.Resume.BootID)
	}
	return nil
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.BootIDPath == "" {
		c.BootIDPath = DefaultBootIDPath
	}
	return c
}

// printable reports whether s is non-empty, printable and has no spaces.
func printable(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == 0xfffd })
}
