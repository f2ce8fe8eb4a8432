package alerts

import (
	"errors"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// DefaultPath is where the daemon keeps its database.
const DefaultPath = "/var/lib/ifw/ifw.db"

// Defaults of the zero Config fields.
const (
	DefaultBusyTimeout = 5 * time.Second
	DefaultMaxReaders  = 4
)

// Config is the [store] section. Zero fields take their defaults.
type Config struct {
	// Path of the database file (DefaultPath). Its directory is created
	// (0750) and the file is created 0640 when missing. Not used with URL.
	Path string
	// URL, when set, is a PostgreSQL connection string (any pgx accepts:
	// postgres://USER@/DB?host=/run/postgresql, key=value…): the store
	// lives there instead of in the SQLite file Path (postgres.go).
	URL string
	// Host is the name this store's rows are written under (the daemon's
	// [daemon] host): its blocks, questions and windows are this host's,
	// and its queries read this host's rows unless they name another host
	// or AllHosts. "" (the read-only commands) reads every host's rows.
	Host string
	// BusyTimeout is how long a statement waits for a lock another process
	// holds (a report, the sqlite3 shell) before it fails with ErrBusy
	// (DefaultBusyTimeout).
	BusyTimeout time.Duration
	// MaxReaders bounds the connections that serve reads (DefaultMaxReaders).
	MaxReaders int
	// FullSync makes every commit fsync the log (synchronous=FULL): alerts
	// survive a power loss too, at the price of one disk flush each.
	FullSync bool
	// ReadOnly opens an existing database for reading only (reports,
	// status); every write fails with ErrReadOnly.
	ReadOnly bool
	// Recover moves a corrupt database aside (kept for the admin, see
	// Store.Recovered) and starts an empty one, instead of failing Open:
	// the daemon detects and blocks on, with its history set aside.
	Recover bool
}

// ErrConfig matches every error Config.Validate, Route.Validate and
// NewDispatcher's check of the routes return: an *etc.ConfigError whose
// Key is the ifw.conf key of the field ([daemon] database, an action's
// min_level…).
var ErrConfig = errors.New("alerts: invalid config")

// Validate checks c without I/O.
func (c Config) Validate() error {
	switch {
	case strings.ContainsRune(c.Path, 0):
		return etc.Invalid(ErrConfig, "database", "contains NUL")
	case c.URL == "" && (c.Path == ":memory:" || strings.HasPrefix(c.Path, "file:")):
		return etc.Invalid(ErrConfig, "database", "%q is not a file path", c.Path)
	case strings.ContainsRune(c.URL, 0):
		return etc.Invalid(ErrConfig, "url", "contains NUL")
	case len(c.Host) > maxHost || strings.ContainsFunc(c.Host, func(r rune) bool { return r < 0x20 || r == 0x7f }) || c.Host == AllHosts:
		return etc.Invalid(ErrConfig, "host", "%q is not a host name (at most %d characters, no control characters, not %q)", c.Host, maxHost, AllHosts)
	case c.BusyTimeout < 0 || c.BusyTimeout > time.Hour:
		return etc.Invalid(ErrConfig, "busy_timeout", "%v is not 0-1h", c.BusyTimeout)
	case c.MaxReaders < 0 || c.MaxReaders > 64:
		return etc.Invalid(ErrConfig, "max_readers", "%d is not 0-64", c.MaxReaders)
	case c.Recover && c.ReadOnly && c.URL == "":
		return etc.Invalid(ErrConfig, "recover", "a read-only store cannot move its file aside")
	}
	return nil
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.BusyTimeout == 0 {
		c.BusyTimeout = DefaultBusyTimeout
	}
	if c.MaxReaders == 0 {
		c.MaxReaders = DefaultMaxReaders
	}
	return c
}
