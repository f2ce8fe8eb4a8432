package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/etc"
)

// Store is the [store] section: where the alerts, blocks and closed
// questions go when they are not in the local SQLite file ([daemon]
// database).
type Store struct {
	// URL is a PostgreSQL connection string (any pgx accepts:
	// postgres://USER@/DB?host=/run/postgresql, or host=… dbname=…); ""
	// keeps the SQLite file. A fleet's daemons share one.
	URL string
}

var storeKeys = keys[Store]{
	"url": func(v string, s *Store) error { return text(v, &s.URL) },
}

func (s *Store) validate() error {
	if s.URL == "" {
		return nil
	}
	if !strings.HasPrefix(s.URL, "postgres://") && !strings.HasPrefix(s.URL, "postgresql://") && !strings.Contains(s.URL, "=") {
		return etc.Invalid(alerts.ErrConfig, "url", "not a PostgreSQL connection string (postgres://USER@/DB?host=/run/postgresql)")
	}
	if _, err := pgconn.ParseConfig(s.URL); err != nil {
		return etc.Invalid(alerts.ErrConfig, "url", "%v", redact(err, s.URL))
	}
	return nil
}

// Redacted is the URL with any password replaced, for logs and status.
func (s Store) Redacted() string {
	if s.URL == "" {
		return ""
	}
	c, err := pgconn.ParseConfig(s.URL)
	if err != nil {
		return "(invalid)"
	}
	return fmt.Sprintf("postgresql user=%s database=%s host=%s", c.User, c.Database, c.Host)
}

// redact keeps a password in the URL out of an error message.
func redact(err error, url string) error {
	msg := err.Error()
	if c, perr := pgconn.ParseConfig(url); perr == nil && c.Password != "" {
		msg = strings.ReplaceAll(msg, c.Password, "xxxxx")
	}
	return errors.New(msg)
}
