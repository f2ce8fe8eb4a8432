package kmsg

import "github.com/ifw/ifw/sources/logline"

// stamps is one Run's parser, made again whenever the boot time estimate
// moves, so that packets carry wall-clock times after a suspend or a clock
// step too.
type stamps struct {
	opt   logline.Options
	clock bootClock // nil: opt.Boot is fixed
	p     *logline.Parser
}

func (s *Source) newStamps() *stamps {
	st := &stamps{
		opt:   logline.Options{Boot: s.cfg.BootTime, Source: s.cfg.Name, Trusted: true},
		clock: s.clock,
	}
	if st.clock == nil {
		st.p = logline.New(st.opt)
	}
	return st
}

// parser returns the parser for the current boot time estimate.
func (st *stamps) parser() *logline.Parser {
	if st.clock == nil {
		return st.p
	}
	if boot := st.clock(); st.p == nil || drifted(st.opt.Boot, boot) {
		st.opt.Boot = boot
		st.p = logline.New(st.opt)
	}
	return st.p
}
