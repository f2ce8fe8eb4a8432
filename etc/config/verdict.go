package config

import (
	"time"

	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/verdictlog"
	"github.com/ifw/ifw/sources/dnsnames"
)

// Verdict is the [verdict] section: the outbound module.
type Verdict struct {
	Enabled bool
	Module  verdict.Config
	// Hash takes the SHA-256 of executables, for rules with sha256=.
	Hash bool
	// SessionIdle ends a session rule after this long without a match.
	SessionIdle time.Duration
	// DNS learns the names of destinations from the DNS answers the host
	// receives, logged by ifw setup to NFLOG group DNS.Group (dns_group;
	// 0: off).
	DNS dnsnames.Config
	// Log is where a line per verdict goes (log, log_max_size, log_keep).
	Log verdictlog.Config
	// DNSResolvers are the users (names or uids) whose DNS queries teach
	// names for every user (dns_resolvers); nil: root and the usual
	// resolver daemons' users that exist (see the daemon).
	DNSResolvers []string
}

func defaultVerdict() Verdict {
	return Verdict{Module: verdict.Config{Mode: verdict.ModeAsk, Default: rules.Deny,
		AskTimeout: verdict.DefaultAskTimeout, RulesFile: verdict.DefaultRulesFile,
		RejectMark: firewall.DefaultRejectMark}, SessionIdle: time.Minute,
		DNS: dnsnames.Config{MinTTL: dnsnames.DefaultMinTTL, MaxTTL: dnsnames.DefaultMaxTTL}}
}

var verdictKeys = keys[Verdict]{
	"enabled": func(v string, s *Verdict) error { return yesNo(v, &s.Enabled) },
	"hash":    func(v string, s *Verdict) error { return yesNo(v, &s.Hash) },
	"dns_group": func(v string, s *Verdict) error {
		n, err := uintValue(v, 0xffff)
		s.DNS.Group = uint16(n)
		return err
	},
	"dns_min_ttl": func(v string, s *Verdict) error { return duration(v, &s.DNS.MinTTL) },
	"dns_resolvers": func(v string, s *Verdict) error {
		s.DNSResolvers = append([]string{}, words(v)...)
		return nil
	},
	"dns_max_ttl": func(v string, s *Verdict) error { return duration(v, &s.DNS.MaxTTL) },
	"queue": func(v string, s *Verdict) error {
		n, err := uintValue(v, 0xffff)
		s.Module.Queue = uint16(n)
		return err
	},
	"fail": func(v string, s *Verdict) error {
		var mode string
		err := oneOf(v, &mode, "open", "closed")
		s.Module.FailOpen = mode == "open"
		return err
	},
	"mode": func(v string, s *Verdict) error {
		var mode string
		err := oneOf(v, &mode, "ask", "whitelist", "blacklist", "monitor")
		s.Module.Mode = verdict.Mode(mode)
		return err
	},
	"executables": func(v string, s *Verdict) error { return absPaths(v, &s.Module.Exes) },
	"default": func(v string, s *Verdict) error {
		a, err := rules.ParseAction(v)
		s.Module.Default = a
		return err
	},
	"session_idle": func(v string, s *Verdict) error { return duration(v, &s.SessionIdle) },
	"ask_timeout":  func(v string, s *Verdict) error { return duration(v, &s.Module.AskTimeout) },
	"rules":        func(v string, s *Verdict) error { return absPath(v, &s.Module.RulesFile) },
	"reject_mark": func(v string, s *Verdict) error {
		n, err := uintValue(v, 0xffffffff)
		s.Module.RejectMark = uint32(n)
		return err
	},
	"workers":       func(v string, s *Verdict) error { return positive(v, &s.Module.Workers) },
	"max_questions": func(v string, s *Verdict) error { return positive(v, &s.Module.MaxQuestions) },
	"log":           func(v string, s *Verdict) error { return s.Log.ParseTarget(v) },
	"log_max_size": func(v string, s *Verdict) error {
		n, err := verdictlog.ParseSize(v)
		s.Log.MaxSize = n
		return err
	},
	"log_keep": func(v string, s *Verdict) error { return intRange(v, 1, verdictlog.MaxKeep, &s.Log.Keep) },
}

func (s *Verdict) validate() error {
	if err := s.DNS.Validate(); err != nil {
		return err
	}
	if err := s.Log.Validate(); err != nil {
		return err
	}
	return s.Module.Validate()
}
