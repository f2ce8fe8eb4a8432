package fleet

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ifw/ifw/etc"
)

// ErrConfig matches every error Config.Validate returns (an
// *etc.ConfigError naming the ifw.conf key).
var ErrConfig = errors.New("fleet: invalid config")

// MaxHostLen bounds a host name (a DNS name's length).
const MaxHostLen = 253

// DefaultMaxConns bounds the connections one daemon opens for the fleet.
const DefaultMaxConns = 4

// Config says which database the fleet shares and who this daemon is.
type Config struct {
	// URL is any pgx connection string ([store] url): postgres://USER@/DB?host=/run/postgresql.
	URL string
	// Host is the name this daemon reports under ([daemon] host).
	Host string
	// MaxConns bounds the pool (DefaultMaxConns).
	MaxConns int32
}

// Validate checks c without I/O.
func (c Config) Validate() error {
	switch {
	case c.URL == "":
		return etc.Invalid(ErrConfig, "url", "empty")
	case c.Host == "" || len(c.Host) > MaxHostLen || strings.ContainsAny(c.Host, " \t\r\n\x00"):
		return etc.Invalid(ErrConfig, "host", "%q is not a host name", c.Host)
	case c.MaxConns < 0 || c.MaxConns > 64:
		return etc.Invalid(ErrConfig, "max_conns", "%d is not 0-64", c.MaxConns)
	}
	if _, err := pgxpool.ParseConfig(c.URL); err != nil {
		return etc.Invalid(ErrConfig, "url", "%v", err)
	}
	return nil
}
