package etc

import (
	"fmt"
	"strconv"
	"strings"
)

// ConfigError is a configuration value ifw refuses. A library package's
// Config.Validate returns one with Key (the ifw.conf key of the field,
// e.g. "repeat_factor") and Reason set and Err its ErrConfig sentinel, so
// that errors.Is(err, pkg.ErrConfig) holds; the reader of ifw.conf
// (etc/config) fills File, Line and Section. It is the one configuration
// error type of ifw: every package words its errors through it.
type ConfigError struct {
	File    string // the file; "" when the value came from code
	Line    int    // its line; 0: unknown
	Section string // "block", "action hook"; "" when not from a file's section
	Key     string // the ifw.conf key; "" for the whole section
	Reason  string // what is wrong, without the place
	Err     error  // the sentinel or cause, for errors.Is and errors.As
}

// Error words every configuration error one way:
//
//	FILE:LINE: [section] key: reason
//
// leaving out what is not known. Without a file or section, the cause
// (a package's sentinel, "block: invalid config") comes first, so that a
// Validate error read alone still says whose configuration it is.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	switch {
	case e.Section != "" && e.Key != "":
		b.WriteString("[" + e.Section + "] " + e.Key + ": ")
	case e.Section != "":
		b.WriteString("[" + e.Section + "]: ")
	case e.File == "" && e.Err != nil && e.Reason != "":
		b.WriteString(e.Err.Error() + ": ")
		if e.Key != "" {
			b.WriteString(e.Key + ": ")
		}
	case e.Key != "":
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.reason())
	return b.String()
}

func (e *ConfigError) reason() string {
	if e.Reason == "" && e.Err != nil {
		return e.Err.Error()
	}
	return e.Reason
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// Invalid returns a *ConfigError about key: what a Validate returns.
// sentinel is the package's ErrConfig.
func Invalid(sentinel error, key, format string, args ...any) error {
	return &ConfigError{Key: key, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
