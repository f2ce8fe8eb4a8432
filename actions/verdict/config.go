package verdict

import (
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/etc"
)

// Mode is what happens to a connection no rule matches.
type Mode string

// Modes.
const (
	// ModeAsk holds the connection and asks its owner (the default).
	ModeAsk Mode = "ask"
	// ModeWhitelist lets only Config.Exes connect; others get
	// Config.Default without a question.
	ModeWhitelist Mode = "whitelist"
	// ModeBlacklist denies Config.Exes and lets every other program connect.
	ModeBlacklist Mode = "blacklist"
	// ModeMonitor lets everything through, rules included, and only
	// records what would have happened.
	ModeMonitor Mode = "monitor"
)

// Defaults.
const (
	DefaultMaxQueueLen  = 4096
	DefaultAskTimeout   = 30 * time.Second
	DefaultWorkers      = 4
	DefaultBacklog      = 4096
	DefaultMaxQuestions = 256
	DefaultMaxHeld      = 64
	DefaultRulesFile    = "/etc/ifw/rules"
)

// Limits.
const (
	// MaxWorkers bounds Config.Workers.
	MaxWorkers = 64
	// MaxQuestions bounds Config.MaxQuestions.
	MaxQuestions = 65536
)

// Config configures a Module.
type Config struct {
	// Queue is the NFQUEUE number (`ifw setup --queue N`).
	Queue uint16
	// MaxQueueLen bounds the kernel's queue (packets waiting for a
	// verdict, held ones included); 0 means DefaultMaxQueueLen.
	MaxQueueLen uint32
	// FailOpen accepts instead of dropping when ifw cannot decide: a full
	// kernel queue or work queue, an unreadable packet, shutdown.
	FailOpen bool
	Mode     Mode
	// Exes are the executables of ModeWhitelist and ModeBlacklist.
	Exes []string
	// Default is what an unanswered question, or a connection ModeWhitelist
	// does not list, gets: rules.Deny (the default), rules.Reject or
	// rules.Allow.
	Default rules.Action
	// AskTimeout is how long a question waits for its answer.
	AskTimeout time.Duration
	// RejectMark is the mark of rejected packets (see ifw setup); 0 turns
	// reject into drop.
	RejectMark uint32
	// RulesFile is where permanent and timed rules are saved.
	RulesFile string
	// Workers decide in parallel; Backlog bounds the packets waiting for
	// one. MaxQuestions bounds the open questions, MaxQuestionsPerUID
	// those of one uid (0: a quarter of MaxQuestions, so that one user
	// cannot leave the others' connections unasked), MaxHeld the packets
	// each holds; beyond them a packet gets the fail-mode verdict.
	Workers, Backlog, MaxQuestions, MaxQuestionsPerUID, MaxHeld int
	// Clock is time.Now unless a test sets it.
	Clock func() time.Time
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Workers, DefaultWorkers)
	def(&c.Backlog, DefaultBacklog)
	def(&c.MaxQuestions, DefaultMaxQuestions)
	def(&c.MaxQuestionsPerUID, max(c.MaxQuestions/4, 1))
	c.MaxQuestionsPerUID = min(c.MaxQuestionsPerUID, c.MaxQuestions)
	def(&c.MaxHeld, DefaultMaxHeld)
	if c.MaxQueueLen == 0 {
		c.MaxQueueLen = DefaultMaxQueueLen
	}
	if c.Mode == "" {
		c.Mode = ModeAsk
	}
	if c.Default == 0 {
		c.Default = rules.Deny
	}
	if c.AskTimeout == 0 {
		c.AskTimeout = DefaultAskTimeout
	}
	if c.RulesFile == "" {
		c.RulesFile = DefaultRulesFile
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// Validate checks the configuration. Its errors are *etc.ConfigError
// whose Key is the [verdict] key, matching ErrConfig.
func (c Config) Validate() error {
	switch c.Mode {
	case "", ModeAsk, ModeWhitelist, ModeBlacklist, ModeMonitor:
	default:
		return etc.Invalid(ErrConfig, "mode", "mode %q is not ask, whitelist, blacklist or monitor", c.Mode)
	}
	if c.Default > rules.Reject {
		return etc.Invalid(ErrConfig, "default", "default %d is not allow, deny or reject", c.Default)
	}
	for _, e := range c.Exes {
		if !filepath.IsAbs(e) {
			return etc.Invalid(ErrConfig, "executables", "executable %q is not an absolute path", e)
		}
	}
	bounds := []struct {
		key    string
		v, max int
	}{
		{"workers", c.Workers, MaxWorkers}, {"max_questions", c.MaxQuestions, MaxQuestions},
		{"backlog", c.Backlog, math.MaxInt}, {"max_questions_per_uid", c.MaxQuestionsPerUID, math.MaxInt},
		{"max_held", c.MaxHeld, math.MaxInt},
	}
	for _, b := range bounds {
		name := strings.ReplaceAll(b.key, "_", " ")
		if b.v < 0 {
			return etc.Invalid(ErrConfig, b.key, "%s %d is negative", name, b.v)
		}
		if b.v > b.max {
			return etc.Invalid(ErrConfig, b.key, "%s %d is not 1-%d", name, b.v, b.max)
		}
	}
	if c.AskTimeout < 0 {
		return etc.Invalid(ErrConfig, "ask_timeout", "ask timeout %s is negative", c.AskTimeout)
	}
	if (c.Mode == ModeWhitelist || c.Mode == ModeBlacklist) && len(c.Exes) == 0 {
		return etc.Invalid(ErrConfig, "executables", "mode %s needs executables", c.Mode)
	}
	return nil
}
