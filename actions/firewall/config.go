package firewall

import (
	"errors"
	"slices"
	"strings"

	"github.com/ifw/ifw/etc"
)

// Backend is which iptables variant writes the rules.
type Backend string

// Backends.
const (
	// BackendAuto runs "iptables"/"ip6tables", whichever variant the
	// system's alternatives select; Apply reports which it is.
	BackendAuto Backend = ""
	// BackendNFT runs iptables-nft/ip6tables-nft (nf_tables kernel API).
	BackendNFT Backend = "nft"
	// BackendLegacy runs iptables-legacy/ip6tables-legacy (x_tables).
	BackendLegacy Backend = "legacy"
)

// Family selects IPv4, IPv6 or both.
type Family uint8

// Families; the zero value means both.
const (
	IPv4 Family = 1 << iota
	IPv6
	BothFamilies = IPv4 | IPv6
)

func (f Family) String() string {
	switch f {
	case IPv4:
		return "IPv4"
	case IPv6:
		return "IPv6"
	}
	return "IPv4+IPv6"
}

// LogTarget is how packets about to be dropped are logged.
type LogTarget string

// Log targets.
const (
	LogDefault LogTarget = ""      // LOG
	LogKernel  LogTarget = "log"   // -j LOG to the kernel log (kmsg, syslog, journal)
	LogNFLOG   LogTarget = "nflog" // -j NFLOG to a netlink group
	LogNone    LogTarget = "none"  // no IFW-LOG chain
)

// HookMode is how INPUT and FORWARD reach the IFW-LOG chain.
type HookMode string

// Hook modes; see the package documentation.
const (
	// HookAuto jumps to IFW-LOG where packets are about to be dropped:
	// before a chain's final unconditional DROP or REJECT rule, else at the
	// end of a chain whose policy is DROP; a chain that accepts what
	// reaches its end gets no jump (a warning says why).
	HookAuto HookMode = ""
	// HookAppend appends the jump at the end of each chain, whatever its
	// policy.
	HookAppend HookMode = "append"
	// HookNone creates IFW-LOG only: the admin's own rules jump to it.
	HookNone HookMode = "none"
)

// Defaults.
const (
	DefaultSet4        = "ifw-block4"
	DefaultSet6        = "ifw-block6"
	DefaultLogPrefix   = "ifw "
	DefaultNFLOGPrefix = "ifw"
	// LogChain is the chain ifw logs from.
	LogChain = "IFW-LOG"
	// Comment marks every rule ifw adds (-m comment --comment ifw): Remove
	// deletes exactly the rules carrying it, and Apply those of them its
	// configuration no longer plans.
	Comment = "ifw"
	// maxLogPrefix and maxNFLOGPrefix are the kernel's limits.
	maxLogPrefix   = 29
	maxNFLOGPrefix = 63
	maxSetName     = 31
)

// ErrConfig matches every error Config.Validate returns (an
// *etc.ConfigError).
var ErrConfig = errors.New("firewall: invalid config")

// Config says which rules ifw needs.
type Config struct {
	Backend  Backend
	Families Family // 0 means both
	// Sets4 and Sets6 are the ipset sets whose sources are dropped, in
	// order (the block set first, then bulk lists); empty means
	// DefaultSet4, DefaultSet6.
	Sets4, Sets6 []string
	// Chains are the built-in chains that drop the sets and log what they
	// are about to drop; empty means INPUT and FORWARD.
	Chains []string
	Log    LogConfig
	// Queue, when set, adds the outbound module's NFQUEUE rule to OUTPUT.
	Queue *QueueConfig
	// DNS, when set, logs the host's DNS queries (OUTPUT, destination port
	// 53) and their answers (INPUT, source port 53), UDP and TCP, to an
	// NFLOG group: the outbound module learns destinations' names from
	// them.
	DNS *DNSConfig
}

// DNSConfig configures the DNS logging rules.
type DNSConfig struct {
	// Group is the NFLOG group, not 0 (the default group of the log
	// rule).
	Group uint16
}

// LogConfig configures the IFW-LOG chain.
type LogConfig struct {
	Target LogTarget
	// Prefix is the log prefix; empty means DefaultLogPrefix for LOG and
	// DefaultNFLOGPrefix for NFLOG.
	Prefix string
	// Group is the NFLOG group.
	Group uint16
	Hook  HookMode
}

// QueueConfig configures the NFQUEUE rules:
// -A OUTPUT ! -o lo -m conntrack --ctstate NEW -j NFQUEUE --queue-num Num,
// and the same for the TCP SYNs conntrack does not call NEW (a reused
// tuple: see plan.go).
type QueueConfig struct {
	Num uint16
	// Bypass accepts packets while no program listens on the queue
	// (fail-open) instead of dropping them.
	Bypass bool
	// RejectMark, when not 0, adds two rules before the NFQUEUE rule that
	// reject packets carrying this mark (all of its bits, mask = mark): TCP
	// with a reset, anything else with the family's default ICMP port
	// unreachable. The outbound module rejects a connection by giving its
	// queued packet the verdict NF_REPEAT with this mark: the packet
	// traverses OUTPUT again and meets them.
	RejectMark uint32
}

// DefaultRejectMark is the QueueConfig.RejectMark of ifw setup.
const DefaultRejectMark uint32 = 0x10000000

// Validate checks the configuration without touching the system.
func (c Config) Validate() error {
	if !slices.Contains([]Backend{BackendAuto, BackendNFT, BackendLegacy}, c.Backend) {
		return etc.Invalid(ErrConfig, "backend", "backend %q is not nft, legacy or empty (auto)", c.Backend)
	}
	if c.DNS != nil && c.DNS.Group == 0 {
		return etc.Invalid(ErrConfig, "dns_group", "DNS NFLOG group 0: want 1-65535")
	}
	if c.Families > BothFamilies {
		return etc.Invalid(ErrConfig, "families", "families %d", c.Families)
	}
	for _, s := range slices.Concat(c.Sets4, c.Sets6) {
		if s == "" || len(s) > maxSetName || !token(s) {
			return etc.Invalid(ErrConfig, "sets", "set name %q: 1 to %d printable characters without spaces or quotes", s, maxSetName)
		}
	}
	for _, list := range [][]string{c.Sets4, c.Sets6, c.Chains} {
		if dup := duplicate(list); dup != "" {
			return etc.Invalid(ErrConfig, "sets", "%q is listed twice", dup)
		}
	}
	for _, ch := range c.Chains {
		if ch != "INPUT" && ch != "FORWARD" {
			return etc.Invalid(ErrConfig, "chains", "chain %q is not INPUT or FORWARD", ch)
		}
	}
	if err := c.Log.validate(); err != nil {
		return err
	}
	return nil
}

func (l LogConfig) validate() error {
	switch l.Target {
	case LogDefault, LogKernel, LogNone:
		if len(l.Prefix) > maxLogPrefix {
			return etc.Invalid(ErrConfig, "log_prefix", "LOG prefix %q is longer than %d bytes", l.Prefix, maxLogPrefix)
		}
	case LogNFLOG:
		if len(l.Prefix) > maxNFLOGPrefix {
			return etc.Invalid(ErrConfig, "log_prefix", "NFLOG prefix %q is longer than %d bytes", l.Prefix, maxNFLOGPrefix)
		}
	default:
		return etc.Invalid(ErrConfig, "log", "log target %q is not log, nflog or none", l.Target)
	}
	if strings.ContainsFunc(l.Prefix, func(r rune) bool { return r < ' ' || r > '~' || r == '"' || r == '\\' }) {
		return etc.Invalid(ErrConfig, "log_prefix", "log prefix %q: printable ASCII without quotes or backslashes", l.Prefix)
	}
	if !slices.Contains([]HookMode{HookAuto, HookAppend, HookNone}, l.Hook) {
		return etc.Invalid(ErrConfig, "hook", "hook %q is not append, none or empty (auto)", l.Hook)
	}
	return nil
}

func duplicate(list []string) string {
	for i, s := range list {
		if slices.Contains(list[:i], s) {
			return s
		}
	}
	return ""
}

// token reports whether s needs no quoting in iptables -S output.
func token(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\'' || r == '\\' })
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Families == 0 {
		c.Families = BothFamilies
	}
	if len(c.Sets4) == 0 {
		c.Sets4 = []string{DefaultSet4}
	}
	if len(c.Sets6) == 0 {
		c.Sets6 = []string{DefaultSet6}
	}
	if len(c.Chains) == 0 {
		c.Chains = []string{"INPUT", "FORWARD"}
	}
	if c.Log.Target == LogDefault {
		c.Log.Target = LogKernel
	}
	if c.Log.Prefix == "" {
		c.Log.Prefix = DefaultLogPrefix
		if c.Log.Target == LogNFLOG {
			c.Log.Prefix = DefaultNFLOGPrefix
		}
	}
	return c
}
