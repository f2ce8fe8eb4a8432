package firewall

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// CommandError is a command that failed: exit status and what it said.
type CommandError struct {
	Argv   []string
	Code   int
	Stderr string
	Err    error // set when the command did not run at all
}

func (e *CommandError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", shellJoin(e.Argv), e.Err)
	}
	return fmt.Sprintf("%s: exit status %d: %s", shellJoin(e.Argv), e.Code, said(e.Stderr))
}

// said is what a command wrote to stderr, on one line, without iptables'
// "Try `iptables -h'…" hint.
func said(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "Try `") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}

func (e *CommandError) Unwrap() error { return e.Err }

// Set errors, matched by *SetError.
var (
	// ErrMissingSet: a rule names an ipset set the kernel does not have.
	ErrMissingSet = errors.New("ipset set missing")
	// ErrSetFamily: an IPv6 set in an iptables rule or the other way round.
	ErrSetFamily = errors.New("ipset set of the wrong family")
)

// SetError is a set rule iptables refused because of its set.
type SetError struct {
	Set  string
	Tool string
	Kind error // ErrMissingSet or ErrSetFamily
	Err  *CommandError
}

func (e *SetError) Error() string {
	if e.Kind == ErrMissingSet {
		return fmt.Sprintf("%s: ipset set %q does not exist: create the block sets first (ifw setup does, through the block module) (%v)", e.Tool, e.Set, e.Err)
	}
	return fmt.Sprintf("%s: ipset set %q has the wrong address family for %s (%v)", e.Tool, e.Set, e.Tool, e.Err)
}

func (e *SetError) Unwrap() error { return e.Err }

// Is makes errors.Is match the kind.
func (e *SetError) Is(target error) bool { return target == e.Kind }

// The patterns of iptables' words about sets, compiled on the first failed
// command, not at every ifw start.
var (
	missingSetRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`Set (\S+) doesn't exist`) })
	setFamilyRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`The protocol family of set (\S+) is`) })
)

// classify turns iptables' words about a set into a *SetError.
func classify(tool string, ce *CommandError) error {
	if m := missingSetRE().FindStringSubmatch(ce.Stderr); m != nil {
		return &SetError{Set: m[1], Tool: tool, Kind: ErrMissingSet, Err: ce}
	}
	if m := setFamilyRE().FindStringSubmatch(ce.Stderr); m != nil {
		return &SetError{Set: m[1], Tool: tool, Kind: ErrSetFamily, Err: ce}
	}
	return ce
}

// ErrChainInUse: Remove deleted ifw's rules, but rules that are not ifw's
// still jump to IFW-LOG, so the chain stays.
var ErrChainInUse = errors.New("chain still referenced")

// ChainInUseError lists the rules that keep IFW-LOG alive.
type ChainInUseError struct {
	Tool  string
	Chain string
	Rules []string // as iptables -S prints them
}

func (e *ChainInUseError) Error() string {
	return fmt.Sprintf("%s: chain %s kept: rules that are not ifw's jump to it (remove them first): %s",
		e.Tool, e.Chain, strings.Join(e.Rules, "; "))
}

// Is makes errors.Is(err, ErrChainInUse) true.
func (e *ChainInUseError) Is(target error) bool { return target == ErrChainInUse }
