package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newQueueCmd is `ifw queue list|allow|deny`: the held connections
// waiting for an answer, answered in a terminal.
func newQueueCmd(e env) *cobra.Command {
	g := newGroup("queue", "outbound connections waiting for an answer: list, allow N, deny N")
	socket := socketFlag(g)

	list := &cobra.Command{Use: "list", Short: "list the connections waiting for an answer", Args: cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions}
	listJSON := jsonFlag(list, "print the questions as JSON")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		qs, err := control.NewClient(*socket).Queue(cmd.Context())
		return printOr(e, cmd, *listJSON, qs, err, func(qs []verdict.Question) { writeQuestions(e.stdout, qs, time.Now()) })
	}
	g.AddCommand(list, newAnswerCmd(e, "allow", socket), newAnswerCmd(e, "deny", socket))
	return g
}

// newAnswerCmd is `ifw queue allow N` or `ifw queue deny N`.
func newAnswerCmd(e env, verb string, socket *string) *cobra.Command {
	cmd := &cobra.Command{Use: verb + " N", Short: verb + " question N (see ifw queue list), once unless a flag says longer",
		Args: wantArgs(1, 1), ValidArgsFunction: completeQuestions(socket)}
	fs := cmd.Flags()
	always := fs.Bool("always", false, "also add a permanent rule (saved in the rules file)")
	session := fs.Bool("session", false, "also add a session rule (ends after 60 s without a connection)")
	dur := fs.String("for", "", "also add a rule for this long (e.g. 1h)")
	var reject *bool
	if verb == "deny" {
		reject = fs.Bool("reject", false, "fail the connection at once instead of dropping it")
	} else {
		reject = new(bool)
	}
	asJSON := jsonFlag(cmd, "print the answered question (and rule) as JSON")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req, err := answerOf(verb, *reject, *always, *session, *dur)
		if err != nil {
			return err // a usage error
		}
		id, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %q is not a question number (see ifw queue list)\n", cmd.CommandPath(), args[0])
			return exitCode(exitUsage)
		}
		res, err := control.NewClient(*socket).Answer(cmd.Context(), id, req)
		return printOr(e, cmd, *asJSON, res, err, func(res *control.Answered) { writeAnswered(e.stdout, req, res) })
	}
	return cmd
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

// writeAnswered says what `ifw queue allow|deny` did, and the rule it
// added.
func writeAnswered(w io.Writer, req control.AnswerRequest, res *control.Answered) {
	done := map[string]string{"allow": "allowed", "deny": "denied", "reject": "rejected"}[req.Action]
	how := map[string]string{"once": "once", "session": "for the session", "permanent": "always", "timed": "for " + req.For}[req.Lifetime]
	q := res.Question
	fmt.Fprintf(w, "%s question %d (%s → %s port %d/%s) %s\n", done, q.ID, questionExe(q), questionDst(q), q.Port, q.Proto, how)
	if res.Rule != nil {
		writeRuleDone(w, "added", *res.Rule)
	}
}

// questionExe is the program of q, as a person reads it.
func questionExe(q verdict.Question) string {
	exe := termsafe.Field(q.Exe)
	switch {
	case exe == "":
		return "(unknown process)"
	case q.Unverified:
		exe += verdict.UnverifiedNote
	}
	if q.PID != 0 {
		return fmt.Sprintf("%s [%d]", exe, q.PID)
	}
	return exe
}

func writeQuestions(w io.Writer, qs []verdict.Question, now time.Time) {
	if len(qs) == 0 {
		fmt.Fprintln(w, "no connection is waiting")
		return
	}
	for _, q := range qs {
		who := termsafe.Field(q.User)
		if who == "" {
			who = fmt.Sprintf("uid %d", q.UID)
		}
		left := max(q.Deadline.Sub(now).Round(time.Second), 0)
		fmt.Fprintf(w, "%4d  %-10s %s → %s port %d/%s  %d connection%s, %s then %s\n", q.ID, who, questionExe(q),
			questionDst(q), q.Port, q.Proto, q.Connections, plural(q.Connections), left, strings.ToUpper(q.Default))
	}
}

// questionDst is q's destination: "203.0.113.2", or "www.example.org
// (203.0.113.2)" when the address is known by a name from DNS answers.
func questionDst(q verdict.Question) string {
	if h := termsafe.Field(q.Host); h != "" {
		return fmt.Sprintf("%s (%s)", h, q.Dst)
	}
	return q.Dst.String()
}
