package nflog

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// Defaults and limits.
const (
	// DefaultCopyRange is how many bytes of each packet the kernel copies.
	// ifw reads headers only, and the longest it decodes fit in 256 bytes:
	// an ICMP error quoting a packet with IP and TCP options is
	// 20+40 + 8 + 20+40 + 20+40 = 188 bytes, IPv6 headers leave room for
	// 100 bytes of extension headers. Copying whole packets (up to 64 KiB)
	// would fill the socket buffer with payload no one reads, and a scan
	// flood would overrun it (ENOBUFS, lost packets) far sooner.
	DefaultCopyRange = 256
	// MinCopyRange is the smallest copy range accepted: an IPv4 header with
	// options, or an IPv6 header and a transport header.
	MinCopyRange = 64
	// DefaultReadBuffer is the socket receive buffer: about 8000 logged
	// packets of DefaultCopyRange in flight before the kernel drops.
	DefaultReadBuffer = 4 << 20
	// MaxReadBuffer bounds ReadBuffer.
	MaxReadBuffer = 1 << 30
	// MaxQThresh bounds QThresh.
	MaxQThresh = 10000
	// MaxTimeout bounds Timeout.
	MaxTimeout = time.Minute
)

// ErrConfig matches every error Config.Validate returns: an
// *etc.ConfigError whose Key is the field's ifw.conf key.
var ErrConfig = errors.New("nflog: invalid config")

// Config configures a Source.
type Config struct {
	// Group is the NFLOG group (--nflog-group, nftables "log group").
	Group uint16
	// Name is the source name in packets and status; empty means
	// "nflog:GROUP".
	Name string
	// CopyRange is how many bytes of each packet the kernel copies; 0 means
	// DefaultCopyRange. Headers cut by it are marked Truncated.
	CopyRange uint16
	// QThresh is how many packets the kernel gathers before sending them;
	// 0 means 1: each packet is sent at once. Above 1, set Timeout, or a
	// quiet group's packets wait up to a second (the kernel's default).
	QThresh uint32
	// Timeout is the longest the kernel holds gathered packets, in steps of
	// 10 ms; 0 leaves the kernel's default.
	Timeout time.Duration
	// ReadBuffer is the socket receive buffer in bytes; 0 means
	// DefaultReadBuffer. Root sets it past net.core.rmem_max.
	ReadBuffer int
	// NetNS, when set, is the network namespace to collect in, as a path
	// such as /var/run/netns/NAME; empty means the daemon's own. NFLOG
	// groups and interface indexes are per namespace.
	NetNS string
}

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	if c.Name != "" && !printable(c.Name) {
		return etc.Invalid(ErrConfig, "name", "name %q must be printable without spaces", c.Name)
	}
	if c.CopyRange != 0 && c.CopyRange < MinCopyRange {
		return etc.Invalid(ErrConfig, "copy_range", "copy range %d is below %d bytes: headers would not fit", c.CopyRange, MinCopyRange)
	}
	if c.QThresh > MaxQThresh {
		return etc.Invalid(ErrConfig, "qthresh", "qthresh %d is above %d", c.QThresh, MaxQThresh)
	}
	if c.Timeout < 0 || c.Timeout > MaxTimeout {
		return etc.Invalid(ErrConfig, "timeout", "timeout %s is not between 0 and %s", c.Timeout, MaxTimeout)
	}
	if c.QThresh > 1 && c.Timeout == 0 {
		return etc.Invalid(ErrConfig, "qthresh", "qthresh %d needs a timeout, or packets of a quiet group wait up to a second", c.QThresh)
	}
	if c.ReadBuffer < 0 || c.ReadBuffer > MaxReadBuffer {
		return etc.Invalid(ErrConfig, "read_buffer", "read buffer %d is not between 0 and %d bytes", c.ReadBuffer, MaxReadBuffer)
	}
	if c.NetNS != "" && !filepath.IsAbs(c.NetNS) {
		return etc.Invalid(ErrConfig, "netns", "netns %q is not an absolute path", c.NetNS)
	}
	return nil
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = "nflog:" + strconv.Itoa(int(c.Group))
	}
	if c.CopyRange == 0 {
		c.CopyRange = DefaultCopyRange
	}
	if c.QThresh == 0 {
		c.QThresh = 1
	}
	if c.ReadBuffer == 0 {
		c.ReadBuffer = DefaultReadBuffer
	}
	return c
}

// timeoutTicks is Timeout in the kernel's 1/100 s, rounded up.
func (c Config) timeoutTicks() uint32 {
	const tick = 10 * time.Millisecond
	return uint32((c.Timeout + tick - 1) / tick)
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == 0xfffd })
}
