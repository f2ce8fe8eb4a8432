package mail

import (
	"errors"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
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

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the [action] key.
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

// Validate checks c without I/O.
func (c Config) Validate() error {
	if err := c.validateAddresses(); err != nil {
		return err
	}
	bad := func(key, format string, args ...any) error { return etc.Invalid(ErrConfig, key, format, args...) }
	switch {
	case c.SMTP != "" && c.Sendmail != "":
		return bad("smtp", "both SMTP and Sendmail are set")
	case c.Sendmail != "" && !filepath.IsAbs(c.Sendmail):
		return bad("sendmail", "%q is not an absolute path", c.Sendmail)
	case c.SMTP != "" && !hostPort(c.SMTP):
		return bad("smtp", "%q is not host:port", c.SMTP)
	case c.Username != "" && c.SMTP == "":
		return bad("username", "authentication is for SMTP")
	case strings.ContainsAny(c.Helo, " \t\r\n"):
		return bad("helo", "%q has blanks", c.Helo)
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return bad("timeout", "%v is not 0-%v", c.Timeout, MaxTimeout)
	}
	return nil
}

func (c Config) validateAddresses() error {
	if len(c.To) == 0 {
		return etc.Invalid(ErrConfig, "to", "no recipient")
	}
	for i, a := range append([]string{c.From}, c.To...) {
		key := "from"
		if i > 0 {
			key = "to"
		}
		if strings.ContainsAny(a, "\r\n") {
			return etc.Invalid(ErrConfig, key, "%q has a line break", a)
		}
		if _, err := mail.ParseAddress(a); err != nil {
			return etc.Invalid(ErrConfig, key, "%q: %v", a, err)
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
