package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// Shell completion of what only the running daemon knows: blocked
// addresses, whitelist entries, question numbers, rule ids. Each asks the
// daemon on the command's --socket and offers nothing, silently, when it
// does not answer (not running, not in group ifw, part disabled).

// completionTimeout bounds a completion's question to the daemon: a shell
// waits for it.
const completionTimeout = 2 * time.Second

// completeFromDaemon makes a ValidArgsFunction for a command's one
// argument from what list asks the daemon.
func completeFromDaemon(socket *string, list func(context.Context, *control.Client) ([]cobra.Completion, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		c, err := list(ctx, control.NewClient(*socket))
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return c, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeBlocks offers the active blocks (ifw block del).
func completeBlocks(socket *string) cobra.CompletionFunc {
	return completeFromDaemon(socket, func(ctx context.Context, c *control.Client) ([]cobra.Completion, error) {
		list, err := c.Blocks(ctx)
		var out []cobra.Completion
		for _, b := range list {
			out = append(out, cobra.CompletionWithDesc(b.Prefix.String(), oneLine(b.Reason)))
		}
		return out, err
	})
}

// completeWhitelist offers the whitelist file's entries (ifw whitelist del).
func completeWhitelist(socket *string) cobra.CompletionFunc {
	return completeFromDaemon(socket, func(ctx context.Context, c *control.Client) ([]cobra.Completion, error) {
		wl, err := c.Whitelist(ctx)
		if err != nil {
			return nil, err
		}
		var out []cobra.Completion
		for _, e := range wl.Entries {
			out = append(out, cobra.CompletionWithDesc(e.Text, oneLine(e.Comment)))
		}
		return out, nil
	})
}

// completeQuestions offers the open questions' numbers (ifw queue allow|deny).
func completeQuestions(socket *string) cobra.CompletionFunc {
	return completeFromDaemon(socket, func(ctx context.Context, c *control.Client) ([]cobra.Completion, error) {
		qs, err := c.Queue(ctx)
		var out []cobra.Completion
		for _, q := range qs {
			desc := fmt.Sprintf("%s → %s port %d/%s", questionExe(q), q.Dst, q.Port, q.Proto)
			out = append(out, cobra.CompletionWithDesc(strconv.FormatUint(q.ID, 10), oneLine(desc)))
		}
		return out, err
	})
}

// completeRules offers the rules' ids (ifw rules del).
func completeRules(socket *string) cobra.CompletionFunc {
	return completeFromDaemon(socket, func(ctx context.Context, c *control.Client) ([]cobra.Completion, error) {
		rs, err := c.Rules(ctx)
		var out []cobra.Completion
		for _, r := range rs {
			out = append(out, cobra.CompletionWithDesc(strconv.FormatUint(r.ID, 10), oneLine(r.Line)))
		}
		return out, err
	})
}

// completeRuleWords offers a rule's words (ifw rules add): the action
// first, then the keys.
func completeRuleWords(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return []cobra.Completion{"allow", "deny", "reject"}, cobra.ShellCompDirectiveNoFileComp
	}
	return []cobra.Completion{"exe=", "sha256=", "dst=", "host=", "port=", "proto=", "user="},
		cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// oneLine is a completion's description: one line of printable text (a
// shell shows it beside the candidate).
func oneLine(s string) string {
	return termsafe.Field(strings.Join(strings.Fields(s), " "))
}
