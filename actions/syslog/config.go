package syslog

import (
	"errors"
	"log/syslog"
	"strings"

	"github.com/ifw/ifw/etc"
)

// Defaults of the zero Config fields.
const (
	DefaultName     = "syslog"
	DefaultTag      = "ifw"
	DefaultFacility = "auth"
	DefaultSeverity = "warning"
)

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the [action] key.
var ErrConfig = errors.New("syslog: invalid config")

// Config is a syslog action. Zero fields take their defaults.
type Config struct {
	// Name names the action (DefaultName).
	Name string
	// Tag is the program name the lines carry (DefaultTag).
	Tag string
	// Facility is a facility name: kern, user, mail, daemon, auth,
	// syslog, lpr, news, uucp, cron, authpriv, ftp, local0-local7
	// (DefaultFacility).
	Facility string
	// Severity is a severity name: emerg, alert, crit, err, warning,
	// notice, info, debug (DefaultSeverity).
	Severity string
	// Network and Addr name the syslog daemon, as syslog.Dial takes them
	// ("unixgram" and a socket path, "udp" and "host:514"…); both empty:
	// the local daemon.
	Network string
	Addr    string
}

// Validate checks c without I/O.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, ok := facilities()[c.Facility]; !ok {
		return etc.Invalid(ErrConfig, "facility", "unknown facility %q", c.Facility)
	}
	if _, ok := severities()[c.Severity]; !ok {
		return etc.Invalid(ErrConfig, "severity", "unknown severity %q", c.Severity)
	}
	switch {
	case strings.ContainsFunc(c.Tag, func(r rune) bool { return r <= ' ' || r == ':' || r == '[' || r == 0x7f }):
		return etc.Invalid(ErrConfig, "tag", "%q has blanks, control characters, ':' or '['", c.Tag)
	case (c.Network == "") != (c.Addr == ""):
		return etc.Invalid(ErrConfig, "addr", "network and addr go together")
	case c.Network != "" && !strings.Contains(" unix unixgram udp udp4 udp6 tcp tcp4 tcp6 ", " "+c.Network+" "):
		return etc.Invalid(ErrConfig, "network", "%q is not unix, unixgram, udp or tcp", c.Network)
	}
	return nil
}

// priority is the facility and severity of c (valid, with defaults).
func (c Config) priority() syslog.Priority {
	return facilities()[c.Facility] | severities()[c.Severity]
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.Tag == "" {
		c.Tag = DefaultTag
	}
	if c.Facility == "" {
		c.Facility = DefaultFacility
	}
	if c.Severity == "" {
		c.Severity = DefaultSeverity
	}
	return c
}

func facilities() map[string]syslog.Priority {
	return map[string]syslog.Priority{
		"kern": syslog.LOG_KERN, "user": syslog.LOG_USER, "mail": syslog.LOG_MAIL, "daemon": syslog.LOG_DAEMON,
		"auth": syslog.LOG_AUTH, "syslog": syslog.LOG_SYSLOG, "lpr": syslog.LOG_LPR, "news": syslog.LOG_NEWS,
		"uucp": syslog.LOG_UUCP, "cron": syslog.LOG_CRON, "authpriv": syslog.LOG_AUTHPRIV, "ftp": syslog.LOG_FTP,
		"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1, "local2": syslog.LOG_LOCAL2, "local3": syslog.LOG_LOCAL3,
		"local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5, "local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
	}
}

func severities() map[string]syslog.Priority {
	return map[string]syslog.Priority{
		"emerg": syslog.LOG_EMERG, "alert": syslog.LOG_ALERT, "crit": syslog.LOG_CRIT, "err": syslog.LOG_ERR,
		"warning": syslog.LOG_WARNING, "notice": syslog.LOG_NOTICE, "info": syslog.LOG_INFO, "debug": syslog.LOG_DEBUG,
	}
}
