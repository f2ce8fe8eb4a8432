package firewall

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// session runs one family's commands and records what they did.
type session struct {
	ctx  context.Context
	run  Runner
	tool string
	fam  Family
	rep  *Report
}

// do runs a command that must succeed.
func (s *session) do(argv []string) error {
	res, err := s.run(s.ctx, argv)
	if err != nil {
		return &CommandError{Argv: argv, Err: err}
	}
	if res.Code != 0 {
		return classify(s.tool, &CommandError{Argv: argv, Code: res.Code, Stderr: string(res.Stderr)})
	}
	return nil
}

// exists runs -C: exit status 0 is present, 1 absent, anything else (a
// missing set is 2) an error.
func (s *session) exists(r Rule) (bool, error) {
	argv := r.CheckArgs()
	res, err := s.run(s.ctx, argv)
	if err != nil {
		return false, &CommandError{Argv: argv, Err: err}
	}
	switch res.Code {
	case 0:
		return true, nil
	case 1:
		return false, nil
	}
	return false, classify(s.tool, &CommandError{Argv: argv, Code: res.Code, Stderr: string(res.Stderr)})
}

func (s *session) list(chain ...string) (*table, error) {
	t, err := list(s.ctx, s.run, s.tool, chain...)
	if err != nil {
		return nil, err
	}
	if t.warning != "" && len(chain) == 0 {
		s.rep.warn("%s: %s", s.tool, t.warning)
	}
	return t, nil
}

// deleteNth deletes the nth (1-based) rule of chain listed with spec. It
// deletes by position, from a listing made just before: iptables -D with a
// spec deletes the first rule iptables thinks equal, and ip6tables-legacy
// compares no target options (NFQUEUE 0 "equals" NFQUEUE 5).
func (s *session) deleteNth(chain string, spec []string, nth int, note string) error {
	t, err := s.list(chain)
	if err != nil {
		return err
	}
	pos, seen := 0, 0
	for i, l := range t.rulesOf(chain) {
		if slices.Equal(l.spec, spec) {
			if seen++; seen == nth {
				pos = i + 1
				break
			}
		}
	}
	r := Rule{Family: s.fam, Tool: s.tool, Chain: chain, Spec: spec}
	if pos == 0 {
		return fmt.Errorf("%s: rule %q vanished from %s before it could be deleted", s.tool, r.Line(), chain)
	}
	if err := s.do(append(r.lead(), "-D", chain, strconv.Itoa(pos))); err != nil {
		return err
	}
	s.rep.step(r, Deleted, note)
	return nil
}

// dropChain flushes and deletes IFW-LOG. Rules that are not ifw's and
// jump to it keep it: an error when strict, else a warning.
func (s *session) dropChain(t *table, strict bool) error {
	var refs []string
	for _, l := range t.rules {
		if l.chain != LogChain && l.jumpsTo(LogChain) && !l.ours() {
			refs = append(refs, l.line)
		}
	}
	if len(refs) > 0 {
		err := &ChainInUseError{Tool: s.tool, Chain: LogChain, Rules: refs}
		if strict {
			return err
		}
		s.rep.warn("%v", err)
		return nil
	}
	chain := Rule{Family: s.fam, Tool: s.tool, Kind: KindChain, Chain: LogChain}
	if err := s.do(append(chain.lead(), "-F", LogChain)); err != nil {
		return err
	}
	if err := s.do(chain.DeleteArgs()); err != nil {
		return err
	}
	s.rep.step(chain, Deleted, "")
	return nil
}

// families lists the families cfg (with defaults) covers, IPv4 first.
func families(cfg Config) []Family {
	var out []Family
	for _, f := range []Family{IPv4, IPv6} {
		if cfg.Families&f != 0 {
			out = append(out, f)
		}
	}
	return out
}

func rulesFor(plan []Rule, fam Family) []Rule {
	return slices.DeleteFunc(slices.Clone(plan), func(r Rule) bool { return r.Family != fam })
}
