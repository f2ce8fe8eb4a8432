package firewall

import "slices"

// Script is Plan as shell lines (ifw setup --dry-run): the commands that
// add the rules, or with remove the commands that delete them and the
// chain. The lines are for reading or pasting into a firewall script;
// unlike Apply they do not check what is already there.
func Script(cfg Config, remove bool) []string {
	plan := Plan(cfg)
	if remove {
		return removeScript(plan)
	}
	var out []string
	for _, r := range plan {
		line := r.Shell()
		switch {
		case r.Place == PlaceBeforeDrop:
			line += "  # before " + r.Chain + "'s final DROP/REJECT rule, or appended if its policy is DROP; not added if it accepts"
		case r.Why != "":
			line += "  # " + r.Why
		}
		out = append(out, line)
	}
	return out
}

func removeScript(plan []Rule) []string {
	var out []string
	for _, r := range slices.Backward(plan) {
		if r.Kind == KindRule && r.Chain != LogChain {
			out = append(out, shellJoin(r.DeleteArgs()))
		}
	}
	for _, r := range plan {
		if r.Kind == KindChain {
			out = append(out, shellJoin(append(r.lead(), "-F", r.Chain)), shellJoin(r.DeleteArgs()))
		}
	}
	return out
}
