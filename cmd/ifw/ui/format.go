package ui

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// The templates' functions: how the pages write times, scans, blocks,
// and the rule lines of the verdicts' buttons.

// when is a time as the pages show it, in the local zone.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func scanText(s signatures.Scan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", s.Proto, s.Type)
	if s.MaxPort > 0 {
		if s.MinPort == s.MaxPort {
			fmt.Fprintf(&b, " port %d", s.MinPort)
		} else {
			fmt.Fprintf(&b, " ports %d-%d", s.MinPort, s.MaxPort)
		}
	}
	if s.DistinctPorts > 0 {
		fmt.Fprintf(&b, " (%d ports)", s.DistinctPorts)
	}
	if s.Hosts > 1 {
		fmt.Fprintf(&b, ", %d hosts", s.Hosts)
	}
	return b.String()
}

func blockText(b *alerts.Block) string {
	switch {
	case !b.Active():
		return fmt.Sprintf("blocked %s, lifted %s (%s)", b.Prefix, when(b.Removed), b.RemovedWhy)
	case b.Permanent():
		return fmt.Sprintf("blocked %s, permanently", b.Prefix)
	}
	return fmt.Sprintf("blocked %s until %s", b.Prefix, when(b.Expires))
}

// denyProgram is the rule line denying v's program everywhere, for its
// user.
func denyProgram(v verdict.Given) string {
	exe := v.Exe
	if exe == "" {
		exe = rules.UnknownExe
	}
	return rules.Entry{Rule: rules.Rule{Action: rules.Deny, Exe: exe, User: userOf(v), UID: v.UID, Lifetime: rules.Permanent}}.String()
}

// denyDestination is the rule line denying v's destination to every
// program of its user.
func denyDestination(v verdict.Given) string {
	return rules.Entry{Rule: rules.Rule{Action: rules.Deny, Dst: netip.PrefixFrom(v.Dst, v.Dst.BitLen()),
		User: userOf(v), UID: v.UID, Lifetime: rules.Permanent}}.String()
}

// userOf is v's user as a rule names it: by number, which resolves
// whatever the name service says.
func userOf(v verdict.Given) string { return strconv.FormatUint(uint64(v.UID), 10) }
