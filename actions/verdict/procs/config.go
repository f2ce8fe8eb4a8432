package procs

import (
	"path/filepath"
	"runtime"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults and limits.
const (
	// DefaultProc is where procfs is mounted.
	DefaultProc = "/proc"
	// DefaultRefresh is how often Run refreshes the process table.
	DefaultRefresh = time.Second
	// MinRefresh bounds Refresh from below: each refresh reads /proc.
	MinRefresh = 10 * time.Millisecond
	// DefaultMaxInodes bounds the inode → process cache.
	DefaultMaxInodes = 65536
	// MinMaxInodes bounds MaxInodes from below.
	MinMaxInodes = 64
	// MaxConns bounds Conns.
	MaxConns = 64
	// negativeRefreshes is how many refresh periods an inode no process
	// held stays known as such: no process can gain a descriptor to a
	// socket that no process holds (short of one in flight between two),
	// so the full /proc scan that proved it is not repeated soon.
	negativeRefreshes = 5
)

// Config configures a Finder. The zero value is ready to use.
type Config struct {
	// Proc is the procfs mount; empty means DefaultProc. Tests point it
	// at a fabricated tree: only the process side reads it.
	Proc string
	// Hash computes the SHA-256 of each executable (Process.SHA256).
	Hash bool
	// Refresh is the period of Run's upkeep; 0 means DefaultRefresh.
	Refresh time.Duration
	// MaxInodes bounds the inode → process cache; 0 means
	// DefaultMaxInodes.
	MaxInodes int
	// Conns is how many sock_diag netlink sockets Lookup calls share; 0
	// means GOMAXPROCS, at least 2 and at most 8. A Lookup holds one only
	// for its socket step.
	Conns int
	// NoEvents: do not listen to the process events (the netlink process
	// connector), which tell of new processes as they start; a new
	// process's socket is then searched for by listing /proc.
	NoEvents bool
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	if c.Proc != "" && !filepath.IsAbs(c.Proc) {
		return etc.Invalid(ErrConfig, "proc", "proc %q is not an absolute path", c.Proc)
	}
	if c.Refresh != 0 && c.Refresh < MinRefresh {
		return etc.Invalid(ErrConfig, "refresh", "refresh %s is below %s", c.Refresh, MinRefresh)
	}
	if c.MaxInodes != 0 && c.MaxInodes < MinMaxInodes {
		return etc.Invalid(ErrConfig, "max_inodes", "max inodes %d is below %d", c.MaxInodes, MinMaxInodes)
	}
	if c.Conns < 0 || c.Conns > MaxConns {
		return etc.Invalid(ErrConfig, "conns", "conns %d is not between 0 and %d", c.Conns, MaxConns)
	}
	return nil
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Proc == "" {
		c.Proc = DefaultProc
	}
	if c.Refresh == 0 {
		c.Refresh = DefaultRefresh
	}
	if c.MaxInodes == 0 {
		c.MaxInodes = DefaultMaxInodes
	}
	if c.Conns == 0 {
		c.Conns = min(max(runtime.GOMAXPROCS(0), 2), 8)
	}
	return c
}
