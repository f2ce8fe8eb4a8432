package verdictlog

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ifw/ifw/etc"
)

// Defaults and bounds.
const (
	DefaultMaxSize = 10 << 20 // bytes
	MinMaxSize     = 4 << 10
	DefaultKeep    = 3
	MaxKeep        = 100
	DefaultQueue   = 4096
	// SyslogTag is the program name of the syslog lines.
	SyslogTag = "ifw-verdict"
)

// ErrConfig matches every error Validate returns (an *etc.ConfigError).
var ErrConfig = errors.New("verdictlog: invalid config")

// Config says where the verdict lines go. The zero value logs nothing.
type Config struct {
	// Syslog sends each line to the local syslog daemon (facility
	// daemon, severity info, tag SyslogTag).
	Syslog bool
	// File is the absolute path of the log file; "" for none.
	File string
	// MaxSize is the size in bytes past which the file is rotated
	// (DefaultMaxSize when 0); Keep how many rotated files are kept
	// (DefaultKeep when 0).
	MaxSize int64
	Keep    int
	// Queue bounds the lines waiting to be written (DefaultQueue when 0).
	Queue int
}

// Enabled reports whether lines are written somewhere.
func (c Config) Enabled() bool { return c.Syslog || c.File != "" }

// Validate checks c without I/O.
func (c Config) Validate() error {
	switch {
	case c.Syslog && c.File != "":
		return etc.Invalid(ErrConfig, "log", "syslog or a file, not both")
	case c.File != "" && !filepath.IsAbs(c.File):
		return etc.Invalid(ErrConfig, "log", "file %q is not an absolute path", c.File)
	case c.File != "" && (filepath.Base(c.File) == "/" || strings.HasSuffix(c.File, "/")):
		return etc.Invalid(ErrConfig, "log", "file %q names a directory", c.File)
	case c.MaxSize != 0 && c.MaxSize < MinMaxSize:
		return etc.Invalid(ErrConfig, "log_max_size", "%d bytes is below %d", c.MaxSize, MinMaxSize)
	case c.Keep < 0 || c.Keep > MaxKeep:
		return etc.Invalid(ErrConfig, "log_keep", "%d is not between 1 and %d", c.Keep, MaxKeep)
	case c.Queue < 0:
		return etc.Invalid(ErrConfig, "log_queue", "%d is negative", c.Queue)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxSize == 0 {
		c.MaxSize = DefaultMaxSize
	}
	if c.Keep == 0 {
		c.Keep = DefaultKeep
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	return c
}

// ParseTarget reads the value of the log key into c: "syslog", "file
// PATH" or "none".
func (c *Config) ParseTarget(v string) error {
	c.Syslog, c.File = false, ""
	f := strings.Fields(v)
	switch {
	case len(f) == 1 && f[0] == "syslog":
		c.Syslog = true
	case len(f) == 1 && f[0] == "none":
	case len(f) >= 2 && f[0] == "file":
		c.File = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "file"))
	default:
		return etc.Invalid(ErrConfig, "log", "%q is not syslog, file PATH or none", v)
	}
	return c.Validate()
}

// ParseSize reads a size: bytes, or a number with the suffix K, M or G
// (powers of 1024).
func ParseSize(v string) (int64, error) {
	mult := int64(1)
	s := strings.TrimSpace(v)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, etc.Invalid(ErrConfig, "log_max_size", "%q is not a size (bytes, or a number with K, M or G)", v)
	}
	return n * mult, nil
}
