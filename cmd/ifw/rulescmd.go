package main

import (
	"context"

	"github.com/ifw/ifw/cmd/ifw/control"

	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

const rulesUsage = "usage: ifw rules list [--json] | add [--session|--once|--for 1h] ACTION [key=value …] | del N"

// runRules is `ifw rules list|add|del`: the outbound rules.
func runRules(e env, args []string) int {
	c := newControlCmd(e, "rules", rulesUsage, args)
	if c == nil {
		return exitUsage
	}
	fs, socket, asJSON := c.fs, c.socket, c.asJSON
	session := fs.Bool("session", false, "add: a session rule (ends after 60 s without a connection)")
	once := fs.Bool("once", false, "add: a rule for the next connection only")
	dur := fs.String("for", "", "add: a rule for this long (e.g. 1h)")
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return flagExit(err)
	}
	switch {
	case args[0] == "list" && fs.NArg() == 0:
		list, err := control.NewClient(*socket).Rules(context.Background())
		if err == nil && !*asJSON {
			writeRules(e.stdout, list, time.Now())
			return exitOK
		}
		return printResult(e, "ifw rules", list, err)
	case args[0] == "add" && fs.NArg() >= 1:
		req := control.RuleRequest{Line: ruleLine(fs.Args())}
		switch {
		case *session:
			req.Lifetime = "session"
		case *once:
			req.Lifetime = "once"
		case *dur != "":
			req.Lifetime, req.For = "timed", *dur
		}
		rule, err := control.NewClient(*socket).AddRule(context.Background(), req)
		return printResult(e, "ifw rules", rule, err)
	case args[0] == "del" && fs.NArg() == 1:
		id, err := strconv.ParseUint(fs.Arg(0), 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "ifw rules del: %q is not a rule number (see ifw rules list)\n", fs.Arg(0))
			return exitUsage
		}
		rule, err := control.NewClient(*socket).DeleteRule(context.Background(), id)
		return printResult(e, "ifw rules", rule, err)
	}
	fmt.Fprintf(e.stderr, "ifw rules: unknown or incomplete command %q\n%s\n", args, rulesUsage)
	return exitUsage
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
		fmt.Fprintf(w, "%4d  %-10s %6d hits  %s\n", r.ID, life, r.Hits, escapeField(r.Line))
	}
}
