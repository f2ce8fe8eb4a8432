package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// verdictSettings is the [verdict] section: the outbound module.
type verdictSettings struct {
	enabled bool
	module  verdict.Config
	hash    bool // SHA-256 of executables, for rules with sha256=
	// sessionIdle ends a session rule after this long without a match.
	sessionIdle time.Duration
}

func defaultVerdictSettings() verdictSettings {
	return verdictSettings{module: verdict.Config{Mode: verdict.ModeAsk, Default: rules.Deny,
		AskTimeout: verdict.DefaultAskTimeout, RulesFile: verdict.DefaultRulesFile,
		RejectMark: firewall.DefaultRejectMark}, sessionIdle: time.Minute}
}

// readVerdict applies the [verdict] section.
func readVerdict(c *confFile, s *verdictSettings) error {
	if err := c.readSection("verdict", func(k, v string) error { return applyVerdictKey(k, v, s) }); err != nil {
		return err
	}
	if err := s.module.Validate(); err != nil {
		return &ConfError{File: c.path, Line: c.lines["verdict"], Msg: err.Error()}
	}
	return nil
}

func applyVerdictKey(key, v string, s *verdictSettings) error {
	m := &s.module
	switch key {
	case "enabled", "hash":
		on, err := yesNo(v)
		if key == "enabled" {
			s.enabled = on
		} else {
			s.hash = on
		}
		return err
	case "queue":
		return uintValue(v, 0xffff, func(n uint64) { m.Queue = uint16(n) })
	case "fail":
		var mode string
		err := oneOf(v, &mode, "open", "closed")
		m.FailOpen = mode == "open"
		return err
	case "mode":
		var mode string
		err := oneOf(v, &mode, "ask", "whitelist", "blacklist", "monitor")
		m.Mode = verdict.Mode(mode)
		return err
	case "executables":
		m.Exes = words(v)
		return absPaths(v)
	case "default":
		a, err := rules.ParseAction(v)
		m.Default = a
		return err
	case "session_idle":
		return duration(v, &s.sessionIdle)
	case "ask_timeout":
		return duration(v, &m.AskTimeout)
	case "rules":
		m.RulesFile = v
		return absPath(v)
	case "reject_mark":
		return uintValue(v, 0xffffffff, func(n uint64) { m.RejectMark = uint32(n) })
	case "workers":
		return intRange(v, 1, 64, &m.Workers)
	case "max_questions":
		return intRange(v, 1, 65536, &m.MaxQuestions)
	default:
		return errors.New("unknown key")
	}
}

// uintValue reads a number up to limit (decimal, or 0x hexadecimal) and
// hands it to set.
func uintValue(v string, limit uint64, set func(uint64)) error {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil || n > limit {
		return fmt.Errorf("%q: want a number from 0 to %d", v, limit)
	}
	set(n)
	return nil
}
