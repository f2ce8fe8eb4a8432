package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newRulesCmd is `ifw rules list|add|del`: the outbound rules.
func newRulesCmd(e env) *cobra.Command {
	g := newGroup("rules", "which programs may open which outbound connections: list, add, del")
	socket := socketFlag(g)
	client := func() *control.Client { return control.NewClient(*socket) }

	list := &cobra.Command{Use: "list", Short: "list the rules that apply to you (every rule for root)", Args: cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions}
	listJSON := jsonFlag(list, "print the rules as JSON")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		l, err := client().Rules(cmd.Context())
		return printOr(e, cmd, *listJSON, l, err, func(l []control.Rule) { writeRules(e.stdout, l, time.Now()) })
	}

	add := &cobra.Command{Use: "add ACTION [KEY=VALUE]...", Short: "add a rule (permanent unless a flag says otherwise)",
		Long: "Add a rule, written as a line of the rules file: allow|deny|reject and key=value conditions\n" +
			"(exe, user, dst, port, proto), e.g. `ifw rules add allow exe=/usr/bin/ssh port=22`.",
		Args: wantArgs(1, -1), ValidArgsFunction: completeRuleWords}
	session := add.Flags().Bool("session", false, "a session rule (ends after 60 s without a connection)")
	once := add.Flags().Bool("once", false, "a rule for the next connection only")
	dur := add.Flags().String("for", "", "a rule for this long (e.g. 1h)")
	addJSON := jsonFlag(add, "print the rule as JSON")
	add.RunE = func(cmd *cobra.Command, args []string) error {
		req := control.RuleRequest{Line: ruleLine(args)}
		switch {
		case *session:
			req.Lifetime = "session"
		case *once:
			req.Lifetime = "once"
		case *dur != "":
			req.Lifetime, req.For = "timed", *dur
		}
		r, err := client().AddRule(cmd.Context(), req)
		return printOr(e, cmd, *addJSON, r, err, func(r control.Rule) { writeRuleDone(e.stdout, "added", r) })
	}

	del := &cobra.Command{Use: "del N", Short: "delete rule N (see ifw rules list)", Args: wantArgs(1, 1),
		ValidArgsFunction: completeRules(socket)}
	delJSON := jsonFlag(del, "print the deleted rule as JSON")
	del.RunE = func(cmd *cobra.Command, args []string) error {
		id, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %q is not a rule number (see ifw rules list)\n", cmd.CommandPath(), args[0])
			return exitCode(exitUsage)
		}
		r, err := client().DeleteRule(cmd.Context(), id)
		return printOr(e, cmd, *delJSON, r, err, func(r control.Rule) { writeRuleDone(e.stdout, "deleted", r) })
	}
	g.AddCommand(list, add, del)
	return g
}

// ruleLine joins the words of a rule, quoting values the shell unquoted
// (exe="/opt/My App/app" arrives as one word with a space).
func ruleLine(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if ok && strings.ContainsAny(v, " \t\"#") {
			w = k + "=" + strconv.Quote(v)
		}
		out[i] = w
	}
	return strings.Join(out, " ")
}

// writeRuleDone says what happened to a rule: "rule 12 added: allow
// exe=/usr/bin/ssh port=22" (the line names a lifetime other than
// permanent).
func writeRuleDone(w io.Writer, what string, r control.Rule) {
	fmt.Fprintf(w, "rule %d %s: %s\n", r.ID, what, termsafe.Field(r.Line))
}

func writeRules(w io.Writer, list []control.Rule, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no rules")
		return
	}
	for _, r := range list {
		life := r.Lifetime
		if !r.Until.IsZero() {
			life = fmt.Sprintf("%s left", r.Until.Sub(now).Round(time.Second))
		}
		fmt.Fprintf(w, "%4d  %-10s %6d hits  %s\n", r.ID, life, r.Hits, termsafe.Field(r.Line))
	}
}
