package main

import (
	"context"
	"strconv"

	"github.com/ifw/ifw/cmd/ifw/control"

	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/verdict"
)

const queueUsage = "usage: ifw queue list [--json] | allow N [--always|--session|--for 1h] | deny N [--always|--session|--for 1h] [--reject]"

// runQueue is `ifw queue list|allow|deny`: the held connections waiting
// for an answer, answered in a terminal.
func runQueue(e env, args []string) int {
	c := newControlCmd(e, "queue", queueUsage, args)
	if c == nil {
		return exitUsage
	}
	fs, socket, asJSON := c.fs, c.socket, c.asJSON
	always := fs.Bool("always", false, "also add a permanent rule (saved in the rules file)")
	session := fs.Bool("session", false, "also add a session rule (ends after 60 s without a connection)")
	dur := fs.String("for", "", "also add a rule for this long (e.g. 1h)")
	reject := fs.Bool("reject", false, "deny: fail the connection at once instead of dropping it")
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return flagExit(err)
	}
	switch {
	case args[0] == "list" && fs.NArg() == 0:
		qs, err := control.NewClient(*socket).Queue(context.Background())
		if err == nil && !*asJSON {
			writeQuestions(e.stdout, qs, time.Now())
			return exitOK
		}
		return printResult(e, "ifw queue", qs, err)
	case (args[0] == "allow" || args[0] == "deny") && fs.NArg() == 1:
		req, err := answerOf(args[0], *reject, *always, *session, *dur)
		if err != nil {
			fmt.Fprintln(e.stderr, "ifw queue:", err)
			return exitUsage
		}
		id, err := strconv.ParseUint(fs.Arg(0), 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "ifw queue %s: %q is not a question number (see ifw queue list)\n", args[0], fs.Arg(0))
			return exitUsage
		}
		res, err := control.NewClient(*socket).Answer(context.Background(), id, req)
		return printResult(e, "ifw queue", res, err)
	}
	fmt.Fprintf(e.stderr, "ifw queue: unknown or incomplete command %q\n%s\n", args, queueUsage)
	return exitUsage
}

// answerOf turns the flags into an answer.
func answerOf(verb string, reject, always, session bool, dur string) (control.AnswerRequest, error) {
	req := control.AnswerRequest{Action: verb, Lifetime: "once"}
	if reject {
		if verb != "deny" {
			return req, fmt.Errorf("--reject goes with deny")
		}
		req.Action = "reject"
	}
	n := 0
	for _, on := range []bool{always, session, dur != ""} {
		if on {
			n++
		}
	}
	switch {
	case n > 1:
		return req, fmt.Errorf("--always, --session and --for exclude each other")
	case always:
		req.Lifetime = "permanent"
	case session:
		req.Lifetime = "session"
	case dur != "":
		req.Lifetime, req.For = "timed", dur
	}
	return req, nil
}

func writeQuestions(w io.Writer, qs []verdict.Question, now time.Time) {
	if len(qs) == 0 {
		fmt.Fprintln(w, "no connection is waiting")
		return
	}
	for _, q := range qs {
		who := escapeField(q.User)
		if who == "" {
			who = fmt.Sprintf("uid %d", q.UID)
		}
		exe := escapeField(q.Exe)
		if exe == "" {
			exe = "(unknown process)"
		} else if q.PID != 0 {
			exe = fmt.Sprintf("%s [%d]", exe, q.PID)
		}
		left := max(q.Deadline.Sub(now).Round(time.Second), 0)
		fmt.Fprintf(w, "%4d  %-10s %s → %s port %d/%s  %d connection%s, %s then %s\n", q.ID, who, exe,
			q.Dst, q.Port, q.Proto, q.Connections, plural(q.Connections), left, strings.ToUpper(q.Default))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
