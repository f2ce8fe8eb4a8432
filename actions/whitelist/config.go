package whitelist

import (
	"errors"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults.
const (
	// DefaultFile is the whitelist file.
	DefaultFile = "/etc/ifw/whitelist"
	// DefaultResolveTimeout bounds the resolution of all host names of one
	// Load: they are looked up in parallel.
	DefaultResolveTimeout = 5 * time.Second
	// MaxResolveTimeout bounds Config.ResolveTimeout.
	MaxResolveTimeout = time.Minute
)

// DefaultResolvConf lists the files the DNS servers are read from; a
// missing one is skipped. systemd-resolved's own file names the upstream
// servers its stub (127.0.0.53) forwards to.
func DefaultResolvConf() []string {
	return []string{"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"}
}

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the field's ifw.conf key.
var ErrConfig = errors.New("whitelist: invalid config")

// Config configures a Guard.
type Config struct {
	// File is the whitelist file; empty means DefaultFile. A missing file
	// is an empty whitelist; Add creates it.
	File string
	// ResolvConf lists resolv.conf files whose nameserver lines are
	// protected; nil means DefaultResolvConf().
	ResolvConf []string
	// HomeNet lists the networks untrusted evidence may never block. Empty
	// means the private networks (RFC 1918, RFC 4193 ULA) and the networks
	// the host is directly connected to.
	HomeNet []netip.Prefix
	// ResolveTimeout bounds host name resolution at each Load; 0 means
	// DefaultResolveTimeout.
	ResolveTimeout time.Duration
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	if c.File != "" && !filepath.IsAbs(c.File) {
		return etc.Invalid(ErrConfig, "whitelist", "file %q is not an absolute path", c.File)
	}
	for _, f := range c.ResolvConf {
		if !filepath.IsAbs(f) {
			return etc.Invalid(ErrConfig, "resolv_conf", "resolv.conf %q is not an absolute path", f)
		}
	}
	for _, p := range c.HomeNet {
		if !p.IsValid() {
			return etc.Invalid(ErrConfig, "home_net", "home_net holds an invalid prefix %v", p)
		}
	}
	if c.ResolveTimeout < 0 || c.ResolveTimeout > MaxResolveTimeout {
		return etc.Invalid(ErrConfig, "resolve_timeout", "resolve timeout %s is not between 0 and %s", c.ResolveTimeout, MaxResolveTimeout)
	}
	return nil
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.File == "" {
		c.File = DefaultFile
	}
	if c.ResolvConf == nil {
		c.ResolvConf = DefaultResolvConf()
	}
	if c.ResolveTimeout == 0 {
		c.ResolveTimeout = DefaultResolveTimeout
	}
	return c
}
