package firewall

import (
	"slices"
	"strconv"
	"strings"
)

// Kind is what a planned step makes.
type Kind uint8

// Kinds.
const (
	KindRule  Kind = iota // a rule in a chain
	KindChain             // a user-defined chain (-N)
)

// Place is where a rule goes when it is absent.
type Place uint8

// Places.
const (
	// PlaceTop inserts at the top of the chain (-I CHAIN N, N counting the
	// rules of the same group planned before it).
	PlaceTop Place = iota
	// PlaceEnd appends (-A).
	PlaceEnd
	// PlaceBeforeDrop is the IFW-LOG jump in HookAuto mode: before the
	// chain's final unconditional DROP/REJECT, else appended when the
	// policy drops, else not added.
	PlaceBeforeDrop
	// PlaceBeforeQueue is a reject rule of QueueConfig.RejectMark: before
	// ifw's first NFQUEUE rule of the chain, else appended (the queue rule,
	// planned after it, is then appended after it).
	PlaceBeforeQueue
	// PlaceAfterQueue is the NFQUEUE rule for TCP SYNs conntrack does not
	// call NEW: just after ifw's last NFQUEUE rule of the chain (the one
	// for new connections, planned before it), else appended, so that no
	// rule of the user's comes between the two.
	PlaceAfterQueue
)

// Rule is one thing ifw needs in a firewall: a chain, or a rule in a chain.
type Rule struct {
	Family Family
	Tool   string // iptables, ip6tables-nft…
	Kind   Kind
	Chain  string
	Place  Place
	// Pos is the position for PlaceTop (1-based).
	Pos int
	// Spec is the rule's matches and target, in the order iptables -S
	// prints them (so a listed rule compares token by token).
	Spec []string
	// Why says what the rule is for.
	Why string
}

// lead is the start of every command: the tool and -w (wait for the
// xtables lock instead of failing when another program holds it).
func (r Rule) lead() []string { return []string{r.Tool, "-w"} }

// AddArgs is the command that adds the rule (or creates the chain).
func (r Rule) AddArgs() []string {
	if r.Kind == KindChain {
		return append(r.lead(), "-N", r.Chain)
	}
	switch r.Place {
	case PlaceTop:
		return slices.Concat(r.lead(), []string{"-I", r.Chain, strconv.Itoa(max(r.Pos, 1))}, r.Spec)
	default:
		return slices.Concat(r.lead(), []string{"-A", r.Chain}, r.Spec)
	}
}

// insertArgs inserts the rule at position pos.
func (r Rule) insertArgs(pos int) []string {
	return slices.Concat(r.lead(), []string{"-I", r.Chain, strconv.Itoa(pos)}, r.Spec)
}

// CheckArgs is the command whose exit status says whether the rule exists
// (0: it does, 1: it does not).
func (r Rule) CheckArgs() []string {
	return slices.Concat(r.lead(), []string{"-C", r.Chain}, r.Spec)
}

// DeleteArgs is the command that deletes the rule (or the empty chain).
func (r Rule) DeleteArgs() []string {
	if r.Kind == KindChain {
		return append(r.lead(), "-X", r.Chain)
	}
	return slices.Concat(r.lead(), []string{"-D", r.Chain}, r.Spec)
}

// Line is the rule as iptables -S prints it ("-A CHAIN spec…", "-N CHAIN").
func (r Rule) Line() string {
	if r.Kind == KindChain {
		return "-N " + r.Chain
	}
	return "-A " + r.Chain + " " + saveJoin(r.Spec)
}

// Shell is the command that adds the rule, quoted for a POSIX shell.
func (r Rule) Shell() string { return shellJoin(r.AddArgs()) }

// matches reports whether a listed rule of the chain is this rule.
func (r Rule) matches(chain string, spec []string) bool {
	return r.Kind == KindRule && r.Chain == chain && slices.Equal(r.Spec, spec)
}

// shellJoin quotes each argument that needs it with single quotes.
func shellJoin(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:,=+@%", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// saveJoin joins a spec the way iptables -S prints it: an argument with a
// space in double quotes.
func saveJoin(spec []string) string {
	out := make([]string, len(spec))
	for i, a := range spec {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t") {
			out[i] = `"` + a + `"`
		}
	}
	return strings.Join(out, " ")
}
