package journal

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/ifw/ifw/etc"
)

// Defaults.
const (
	DefaultName       = "journal"
	DefaultJournalctl = "journalctl"
)

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the field's ifw.conf key.
var ErrConfig = errors.New("journal: invalid config")

// Config configures a Source.
type Config struct {
	// Name is the source name in packets and status; empty means
	// DefaultName.
	Name string
	// JournalctlPath is the journalctl program, a name looked up in PATH or
	// an absolute path; empty means DefaultJournalctl.
	JournalctlPath string
	// Directory, when set, reads the journal files in that directory
	// (journalctl --directory) instead of the system journal.
	Directory string
	// AfterCursor resumes after the entry a previous run handled last (its
	// LastCursor). It takes precedence over StartAtEnd.
	AfterCursor string
	// StartAtEnd skips the entries already in the journal (a daemon's first
	// start); otherwise the whole current boot is read.
	StartAtEnd bool
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	if c.Name != "" && !printable(c.Name) {
		return etc.Invalid(ErrConfig, "name", "name %q must be printable without spaces", c.Name)
	}
	if c.JournalctlPath != "" && !printable(c.JournalctlPath) {
		return etc.Invalid(ErrConfig, "journalctl", "journalctl path %q must be printable without spaces", c.JournalctlPath)
	}
	if c.Directory != "" && !filepath.IsAbs(c.Directory) {
		return etc.Invalid(ErrConfig, "directory", "directory %q is not an absolute path", c.Directory)
	}
	if c.AfterCursor != "" && (!printable(c.AfterCursor) || !strings.Contains(c.AfterCursor, "=")) {
		return etc.Invalid(ErrConfig, "after_cursor", "cursor %q is not a journal cursor", c.AfterCursor)
	}
	return nil
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.JournalctlPath == "" {
		c.JournalctlPath = DefaultJournalctl
	}
	return c
}

// printable reports whether s is non-empty, printable UTF-8 without spaces.
func printable(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == 0xfffd })
}
