package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of the zero Config fields.
const (
	DefaultName     = "mail"
	DefaultSendmail = "/usr/sbin/sendmail"
	DefaultHelo     = "localhost"
	DefaultTimeout  = 30 * time.Second
)

// MaxTimeout bounds Config.Timeout.
const MaxTimeout = time.Hour

// ErrConfig matches every error Config.Validate returns.
var ErrConfig = errors.New("mail: invalid config")

// Config is a mail action. Zero fields take their defaults.
type Config struct {
	// Name names the action (DefaultName).
	Name string
	// From is the sender ("ifw <root@example.org>").
	From string
	// To are the recipients; at least one.
	To []string
	// Sendmail is the sendmail program, an absolute path
	// (DefaultSendmail); used when SMTP is empty.
	Sendmail string
	// SMTP is the mail server, host:port; set, it is used instead of
	// sendmail.
	SMTP string
	// Username and Password, when Username is set, authenticate to the
	// SMTP server (AUTH PLAIN).
	Username string
	Password string
	// Helo is the name this host gives in EHLO (DefaultHelo).
	Helo string
	// Timeout bounds each mail (DefaultTimeout).
	Timeout time.Duration
}

// ConfigError is a Config field with an invalid value. It matches
// ErrConfig.
type ConfigError struct {
	Field  string
	Reason string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("mail config: %s: %s", e.Field, e.Reason)
}

// Is matches ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Validate checks c without I/O.
func (c Config) Validate() error {
	if err := c.validateAddresses(); err != nil {
		return err
	}
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.SMTP != "" && c.Sendmail != "":
		return bad("SMTP", "both SMTP and Sendmail are set")
	case c.Sendmail != "" && !filepath.IsAbs(c.Sendmail):
		return bad("Sendmail", "%q is not an absolute path", c.Sendmail)
	case c.SMTP != "" && !hostPort(c.SMTP):
		return bad("SMTP", "%q is not host:port", c.SMTP)
	case c.Username != "" && c.SMTP == "":
		return bad("Username", "authentication is for SMTP")
	case strings.ContainsAny(c.Helo, " \t\r\n"):
		return bad("Helo", "%q has blanks", c.Helo)
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return bad("Timeout", "%v is not 0-%v", c.Timeout, MaxTimeout)
	}
	return nil
}

func (c Config) validateAddresses() error {
	if len(c.To) == 0 {
		return &ConfigError{"To", "no recipient"}
	}
	for i, a := range append([]string{c.From}, c.To...) {
		field := "From"
		if i > 0 {
			field = "To"
		}
		if strings.ContainsAny(a, "\r\n") {
			return &ConfigError{field, fmt.Sprintf("%q has a line break", a)}
		}
		if _, err := mail.ParseAddress(a); err != nil {
			return &ConfigError{field, fmt.Sprintf("%q: %v", a, err)}
		}
	}
	return nil
}

func hostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	return err == nil && host != "" && port != ""
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.SMTP == "" && c.Sendmail == "" {
		c.Sendmail = DefaultSendmail
	}
	if c.Helo == "" {
		c.Helo = DefaultHelo
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}
