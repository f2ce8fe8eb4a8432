package firewall

import (
	"context"
	"errors"
	"fmt"
)

// Remove deletes every rule carrying ifw's comment, in every chain of the
// filter table, then flushes and deletes the IFW-LOG chain; nothing else.
// It does not need the configuration the rules were made with, only its
// backend and families. When rules that are not ifw's still jump to
// IFW-LOG, the chain stays and the error is a *ChainInUseError. Each
// family is tried even when the other fails.
func Remove(ctx context.Context, cfg Config, run Runner) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	cfg = cfg.withDefaults()
	rep := Report{Backend: cfg.Backend}
	if err := detect(ctx, cfg, run, &rep); err != nil {
		return rep, err
	}
	var errs []error
	for _, fam := range families(cfg) {
		s := &session{ctx: ctx, run: run, tool: toolName(cfg.Backend, fam), fam: fam, rep: &rep}
		if err := s.remove(); err != nil {
			errs = append(errs, fmt.Errorf("firewall: %s: %w", fam, err))
		}
	}
	return rep, errors.Join(errs...)
}

func (s *session) remove() error {
	t, err := s.list()
	if err != nil {
		return err
	}
	for _, l := range t.rules {
		if l.ours() && l.chain != LogChain {
			if err := s.deleteNth(l.chain, l.spec, 1, ""); err != nil {
				return err
			}
		}
	}
	if !t.hasChain(LogChain) {
		return nil
	}
	return s.dropChain(t, true)
}
