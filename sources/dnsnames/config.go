package dnsnames

import (
	"errors"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults and limits of Config.
const (
	DefaultMaxQueries   = 4096
	DefaultQueryTimeout = 10 * time.Second
	DefaultMaxAddrs     = 16384
	DefaultMaxNames     = 8
	DefaultMinTTL       = 2 * time.Minute
	DefaultMaxTTL       = 24 * time.Hour
	// DefaultCopyRange is how much of each packet the kernel copies: a
	// UDP answer of 4096 bytes (EDNS) with its headers, or a TCP segment
	// of that much.
	DefaultCopyRange = 4096 + 120

	MaxQueriesLimit = 1 << 20
	MaxAddrsLimit   = 1 << 22
	MaxNamesLimit   = 64
)

// ErrConfig matches the errors of Config.Validate (*etc.ConfigError).
var ErrConfig = errors.New("dnsnames: invalid config")

// Config configures a Learner (and the Watcher feeding it).
type Config struct {
	// Group is the NFLOG group ifw setup logs the DNS traffic to.
	Group uint16
	// NetNS, when set, is the network namespace to watch (a path such as
	// /var/run/netns/NAME); tests use their own.
	NetNS string
	// MaxQueries bounds the outstanding queries; QueryTimeout is how long
	// one waits for its answer.
	MaxQueries   int
	QueryTimeout time.Duration
	// MaxAddrs bounds the addresses known, MaxNames the names of one.
	MaxAddrs, MaxNames int
	// MinTTL and MaxTTL clamp how long a name is known by an address.
	MinTTL, MaxTTL time.Duration
	// Resolvers are the uids whose queries teach names for every user's
	// connections: root and the system's resolver daemons
	// (systemd-resolved, dnsmasq, unbound…). A name another uid's query
	// taught holds for that uid's connections only.
	Resolvers []uint32
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	switch {
	case c.MaxQueries < 0 || c.MaxQueries > MaxQueriesLimit:
		return etc.Invalid(ErrConfig, "dns_max_queries", "%d is not 0-%d", c.MaxQueries, MaxQueriesLimit)
	case c.MaxAddrs < 0 || c.MaxAddrs > MaxAddrsLimit:
		return etc.Invalid(ErrConfig, "dns_max_addresses", "%d is not 0-%d", c.MaxAddrs, MaxAddrsLimit)
	case c.MaxNames < 0 || c.MaxNames > MaxNamesLimit:
		return etc.Invalid(ErrConfig, "dns_max_names", "%d is not 0-%d", c.MaxNames, MaxNamesLimit)
	case c.QueryTimeout < 0:
		return etc.Invalid(ErrConfig, "dns_query_timeout", "%s is negative", c.QueryTimeout)
	case c.MinTTL < 0 || c.MaxTTL < 0:
		return etc.Invalid(ErrConfig, "dns_min_ttl", "negative TTL bound")
	case c.MaxTTL != 0 && c.MinTTL > c.MaxTTL:
		return etc.Invalid(ErrConfig, "dns_min_ttl", "minimum TTL %s above the maximum %s", c.MinTTL, c.MaxTTL)
	}
	return nil
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MaxQueries, DefaultMaxQueries)
	def(&c.MaxAddrs, DefaultMaxAddrs)
	def(&c.MaxNames, DefaultMaxNames)
	if c.QueryTimeout == 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	if c.MinTTL == 0 {
		c.MinTTL = DefaultMinTTL
	}
	if c.MaxTTL == 0 {
		c.MaxTTL = max(DefaultMaxTTL, c.MinTTL)
	}
	return c
}
