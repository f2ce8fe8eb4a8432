package logfile

import (
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults for the zero values of Config.
const (
	DefaultGrace      = time.Second
	DefaultDrainLimit = time.Minute
	DefaultPoll       = 250 * time.Millisecond
	minPoll           = 10 * time.Millisecond
)

// Config configures a Source.
type Config struct {
	// Path is the syslog file to follow.
	Path string
	// Name is copied into every packet's Source; empty means Path.
	Name string
	// Start is where a previous run stopped (its Position). Zero means a
	// first run: begin at the end of the file, or at its start with
	// FromStart.
	Start Offset
	// FromStart reads the whole file on a first run instead of only the
	// lines written from now on.
	FromStart bool
	// Location is the zone of time stamps that name none; nil means
	// time.Local.
	Location *time.Location
	// Rotated are the names a rotated file may have, searched (by inode) to
	// finish a file rotated while ifw was down, and (by content) for the
	// copy that copytruncate made. Nil means [Path + ".1"].
	Rotated []string
	// Grace is how long a rotated or deleted file must be idle, after the
	// new file appeared, before reading moves on. Zero means DefaultGrace.
	Grace time.Duration
	// DrainLimit is how long after the new file appeared reading moves on
	// even if the old file still grows. Zero means DefaultDrainLimit.
	DrainLimit time.Duration
	// Poll is how often the files are checked without an inotify event.
	// Zero means DefaultPoll.
	Poll time.Duration
}

// Validate reports the first problem with c. It does no I/O.
func (c Config) Validate() error {
	if c.Path == "" {
		return etc.Invalid(ErrConfig, "path", "no path")
	}
	if strings.IndexByte(c.Path, 0) >= 0 {
		return etc.Invalid(ErrConfig, "path", "path holds a NUL byte")
	}
	if c.FromStart && !c.Start.IsZero() {
		return etc.Invalid(ErrConfig, "start", "both a start position and from-start")
	}
	if c.Start.Offset < 0 || (c.Start.Offset > 0 && c.Start.Inode == 0) {
		return etc.Invalid(ErrConfig, "start", "start offset %d without an inode", c.Start.Offset)
	}
	for _, r := range c.Rotated {
		if r == "" || r == c.Path || strings.IndexByte(r, 0) >= 0 {
			return etc.Invalid(ErrConfig, "rotated", "bad rotated name %q", r)
		}
	}
	return c.validateTimes()
}

func (c Config) validateTimes() error {
	if c.Grace < 0 || c.DrainLimit < 0 || c.Poll < 0 {
		return etc.Invalid(ErrConfig, "grace", "negative duration")
	}
	if c.Poll != 0 && c.Poll < minPoll {
		return etc.Invalid(ErrConfig, "poll", "poll interval %v below %v", c.Poll, minPoll)
	}
	d := c.withDefaults()
	if d.DrainLimit < d.Grace {
		return etc.Invalid(ErrConfig, "drain_limit", "drain limit %v shorter than grace %v", d.DrainLimit, d.Grace)
	}
	return nil
}

// withDefaults fills the zero values.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = c.Path
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.Rotated == nil {
		c.Rotated = []string{c.Path + ".1"}
	}
	if c.Grace == 0 {
		c.Grace = DefaultGrace
	}
	if c.DrainLimit == 0 {
		c.DrainLimit = DefaultDrainLimit
	}
	if c.Poll == 0 {
		c.Poll = DefaultPoll
	}
	return c
}
