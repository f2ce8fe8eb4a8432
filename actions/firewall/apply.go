package firewall

import (
	"context"
	"fmt"
	"slices"
)

// Apply makes the firewall hold what Plan(cfg) lists, idempotently: a rule
// already there (iptables -C, and the same rule in iptables -S: see
// table.holds) is left where it is, a missing one is added (set DROP rules
// at the top of their chain, the IFW-LOG jumps placed per cfg.Log.Hook,
// reject rules before ifw's NFQUEUE rule, the rest appended), a missing
// chain created. Rules carrying ifw's comment
// that the plan no longer holds (another set, queue or log target than
// last time) and second copies are deleted. The sets are checked, in both
// families, before anything changes: a missing one is a *SetError
// (ErrMissingSet). Apply stops at the first error; running it again after
// fixing the cause finishes the work.
func Apply(ctx context.Context, cfg Config, run Runner) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	cfg = cfg.withDefaults()
	rep := Report{Backend: cfg.Backend}
	if err := detect(ctx, cfg, run, &rep); err != nil {
		return rep, err
	}
	plan := Plan(cfg)
	var sessions []*session
	for _, fam := range families(cfg) {
		s := &session{ctx: ctx, run: run, tool: toolName(cfg.Backend, fam), fam: fam, rep: &rep}
		if err := s.checkSets(rulesFor(plan, fam)); err != nil {
			return rep, fmt.Errorf("firewall: %s: %w", fam, err)
		}
		sessions = append(sessions, s)
	}
	for _, s := range sessions {
		if err := s.apply(rulesFor(plan, s.fam), cfg.Log.Target != LogNone); err != nil {
			return rep, fmt.Errorf("firewall: %s: %w", s.fam, err)
		}
	}
	return rep, nil
}

// checkSets runs -C for the set rules, which changes nothing but fails
// when a set is missing or of the wrong family.
func (s *session) checkSets(rules []Rule) error {
	for _, r := range rules {
		if isSetRule(r) {
			if _, err := s.exists(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// detect fills the report's backend and version: the variant "iptables"
// is when auto, a check that the forced tool exists and is what it says
// otherwise.
func detect(ctx context.Context, cfg Config, run Runner, rep *Report) error {
	tool := toolName(cfg.Backend, families(cfg)[0])
	b, version, err := Detect(ctx, run, tool)
	if err != nil {
		return fmt.Errorf("firewall: %w", err)
	}
	if cfg.Backend != BackendAuto && b != cfg.Backend {
		return fmt.Errorf("firewall: %s is %q, not the %s backend", tool, version, cfg.Backend)
	}
	rep.Backend, rep.Version = b, version
	return nil
}

func (s *session) apply(rules []Rule, logging bool) error {
	t, err := s.list()
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := s.ensure(r, t); err != nil {
			return err
		}
	}
	if err := s.sweep(rules); err != nil {
		return err
	}
	if !logging && t.hasChain(LogChain) {
		t, err = s.list()
		if err != nil {
			return err
		}
		return s.dropChain(t, false)
	}
	return nil
}

func isSetRule(r Rule) bool { return r.Kind == KindRule && slices.Contains(r.Spec, "--match-set") }

// ensure makes one planned chain or rule exist.
func (s *session) ensure(r Rule, t *table) error {
	if r.Kind == KindChain {
		if t.hasChain(r.Chain) {
			s.rep.step(r, Present, "")
			return nil
		}
		if err := s.do(r.AddArgs()); err != nil {
			return err
		}
		s.rep.step(r, Created, "")
		return nil
	}
	ok, err := s.exists(r)
	if err != nil {
		return err
	}
	if ok && t.holds(r) {
		s.rep.step(r, Present, "")
		return nil
	}
	argv, note, err := s.addArgs(r)
	if err != nil {
		return err
	}
	if argv == nil {
		s.rep.step(r, Skipped, note)
		s.rep.warn("%s %s: %s", s.tool, r.Chain, note)
		return nil
	}
	if err := s.do(argv); err != nil {
		return err
	}
	s.rep.step(r, Added, note)
	return nil
}

// addArgs is the command that adds an absent rule where it belongs; nil
// (with a note) when the rule should not be added.
func (s *session) addArgs(r Rule) (argv []string, note string, err error) {
	switch r.Place {
	case PlaceTop:
		if r.Pos <= 1 {
			return r.AddArgs(), "", nil
		}
		t, err := s.list(r.Chain)
		if err != nil {
			return nil, "", err
		}
		return r.insertArgs(min(r.Pos, len(t.rulesOf(r.Chain))+1)), "", nil
	case PlaceBeforeDrop:
		return s.hookArgs(r)
	case PlaceBeforeQueue:
		return s.beforeQueueArgs(r)
	case PlaceAfterQueue:
		return s.afterQueueArgs(r)
	}
	return r.AddArgs(), "", nil
}

// beforeQueueArgs inserts a reject rule before ifw's first NFQUEUE rule of
// its chain, so that a packet given NF_REPEAT with the reject mark meets it
// before being queued again; without a queue rule yet, it is appended (the
// queue rule follows it in the plan).
func (s *session) beforeQueueArgs(r Rule) ([]string, string, error) {
	t, err := s.list(r.Chain)
	if err != nil {
		return nil, "", err
	}
	i := slices.IndexFunc(t.rulesOf(r.Chain), func(l listed) bool { return l.ours() && l.jumpsTo("NFQUEUE") })
	if i < 0 {
		return r.AddArgs(), "", nil
	}
	return r.insertArgs(i + 1), "before ifw's NFQUEUE rule", nil
}

// afterQueueArgs inserts r just after ifw's last NFQUEUE rule of its
// chain; without one, it is appended.
func (s *session) afterQueueArgs(r Rule) ([]string, string, error) {
	t, err := s.list(r.Chain)
	if err != nil {
		return nil, "", err
	}
	rules := t.rulesOf(r.Chain)
	for i := len(rules) - 1; i >= 0; i-- {
		if rules[i].ours() && rules[i].jumpsTo("NFQUEUE") {
			if i == len(rules)-1 {
				return r.AddArgs(), "", nil
			}
			return r.insertArgs(i + 2), "after ifw's NFQUEUE rule", nil
		}
	}
	return r.AddArgs(), "", nil
}

// hookArgs places the jump to IFW-LOG where packets are about to be
// dropped: before a final unconditional DROP or REJECT rule, else at the
// end of a chain whose policy drops. A chain that accepts what reaches its
// end gets none: logging there would log accepted traffic.
func (s *session) hookArgs(r Rule) ([]string, string, error) {
	t, err := s.list(r.Chain)
	if err != nil {
		return nil, "", err
	}
	rules := t.rulesOf(r.Chain)
	if n := len(rules); n > 0 && finalDrop(rules[n-1].spec) {
		return r.insertArgs(n), "before the final rule " + rules[n-1].line, nil
	}
	policy := t.policies[r.Chain]
	if policy == "DROP" {
		return r.AddArgs(), "at the end: the policy drops", nil
	}
	return nil, fmt.Sprintf("no jump to %s added: policy %s and no final DROP/REJECT rule, so nothing reaching the end is dropped "+
		"(set the policy to DROP, end the chain with -j DROP or REJECT, or add your own -j %s where packets are dropped)",
		LogChain, policy, LogChain), nil
}

// finalDrop reports whether a rule drops or rejects every packet.
func finalDrop(spec []string) bool {
	if len(spec) < 2 || spec[0] != "-j" {
		return false
	}
	switch spec[1] {
	case "DROP":
		return len(spec) == 2
	case "REJECT":
		return len(spec) == 2 || len(spec) == 4 && spec[2] == "--reject-with"
	}
	return false
}

// sweep deletes the rules carrying ifw's comment that are not planned, and
// second copies of planned ones.
func (s *session) sweep(rules []Rule) error {
	t, err := s.list()
	if err != nil {
		return err
	}
	copies := make([]int, len(rules))
	for _, l := range t.rules {
		if !l.ours() {
			continue
		}
		i := slices.IndexFunc(rules, func(r Rule) bool { return r.matches(l.chain, l.spec) })
		if i >= 0 {
			copies[i]++
			continue
		}
		if err := s.deleteNth(l.chain, l.spec, 1, "ifw rule no longer planned"); err != nil {
			return err
		}
	}
	for i, n := range copies {
		for ; n > 1; n-- {
			if err := s.deleteNth(rules[i].Chain, rules[i].Spec, n, "duplicate"); err != nil {
				return err
			}
		}
	}
	return nil
}
