package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
	"github.com/ifw/ifw/etc/config"
)

// newBlockCmd is `ifw block add|del|list|flush|reload|auto`, over the control
// socket.
func newBlockCmd(e env) *cobra.Command {
	g := newGroup("block", "the daemon's timed ipset blocks: add, del, list, flush, reload, auto")
	socket := socketFlag(g)
	client := func() *control.Client { return control.NewClient(*socket) }

	add := &cobra.Command{Use: "add ADDR|CIDR", Short: "block an address or network now", Args: wantArgs(1, 1),
		ValidArgsFunction: cobra.NoFileCompletions}
	dur := add.Flags().String("for", "", "how long (a duration such as 1h, or forever); default: the policy's")
	reason := add.Flags().String("reason", "", "why, kept with the block")
	addJSON := jsonFlag(add, "print the block as JSON")
	add.RunE = func(cmd *cobra.Command, args []string) error {
		b, err := client().Block(cmd.Context(), control.BlockRequest{Prefix: args[0], For: *dur, Reason: *reason})
		b.Scope = scope(b.Scope)
		return printOr(e, cmd, *addJSON, b, err, func(b alerts.Block) { writeBlocked(e.stdout, b, time.Now()) })
	}

	del := &cobra.Command{Use: "del ADDR|CIDR", Short: "lift a block", Args: wantArgs(1, 1),
		ValidArgsFunction: completeBlocks(socket)}
	delJSON := jsonFlag(del, "print what was removed as JSON")
	del.RunE = func(cmd *cobra.Command, args []string) error {
		r, err := client().Unblock(cmd.Context(), args[0])
		return printOr(e, cmd, *delJSON, r, err, func(r control.Removed) { fmt.Fprintf(e.stdout, "unblocked %s\n", r.Removed) })
	}

	list := &cobra.Command{Use: "list", Short: "list the active blocks", Args: cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions}
	listJSON := jsonFlag(list, "print the blocks as JSON")
	listFleet := list.Flags().Bool("fleet", false, "the fleet's shared blocks and what each host did with them (applied, refused), from [store] url")
	listConf := list.Flags().String("config", config.DefaultPath, "configuration file (with --fleet: [store] url)")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		if *listFleet {
			return runFleetBlocks(e, cmd, *listConf, *listJSON)
		}
		l, err := client().Blocks(cmd.Context())
		for i := range l {
			l[i].Scope = scope(l[i].Scope)
		}
		return printOr(e, cmd, *listJSON, l, err, func(l []block.Active) { writeBlocks(e.stdout, l) })
	}

	reload := &cobra.Command{Use: "reload", Short: "load the bulk drop lists again", Args: cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions}
	reloadJSON := jsonFlag(reload, "print the load's counts as JSON")
	reload.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := client().ReloadBlocks(cmd.Context())
		return printOr(e, cmd, *reloadJSON, s, err, func(s block.BulkStats) { writeBulk(e.stdout, s) })
	}
	g.AddCommand(add, del, list, newBlockFlushCmd(e, client), reload, newBlockAutoCmd(e, client))
	return g
}

// newBlockFlushCmd is `ifw block flush` (psad --flush): every active
// block lifted, after a confirmation.
func newBlockFlushCmd(e env, client func() *control.Client) *cobra.Command {
	flush := &cobra.Command{Use: "flush", Short: "lift every active block (auto, manual, desktop); the bulk lists stay",
		Long: `Lift every block the daemon made: auto-blocks, ifw block add, the desktop's
Block button (psad --flush). The bulk drop lists stay loaded: they are your
files; empty them and run ifw block reload to drop them too. Asks first on a
terminal; a script says --yes.`,
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	yes := flush.Flags().BoolP("yes", "y", false, "do not ask")
	flushJSON := jsonFlag(flush, "print what was lifted as JSON")
	flush.RunE = func(cmd *cobra.Command, _ []string) error {
		c := client()
		if !*yes {
			l, err := c.Blocks(cmd.Context())
			if err != nil {
				return failed(e, cmd, err)
			}
			if err := confirm(e, false, fmt.Sprintf("lift every active block (%s)?", count(len(l), "block", "blocks"))); err != nil {
				return failed(e, cmd, err)
			}
		}
		f, err := c.FlushBlocks(cmd.Context())
		return printOr(e, cmd, *flushJSON, f, err, func(f control.Flushed) {
			fmt.Fprintf(e.stdout, "lifted %s\n", count(f.Count, "block", "blocks"))
		})
	}
	return flush
}

// scope is a block's scope as the JSON says it: a record of the host's
// own store has none, which is "host".
func scope(s string) string {
	if s == "" {
		return alerts.ScopeHost
	}
	return s
}

// writeBlocked says what `ifw block add` did.
func writeBlocked(w io.Writer, b alerts.Block, now time.Time) {
	how := "forever"
	if !b.Permanent() {
		how = "for " + fmtDuration(b.Expires.Sub(now))
	}
	fmt.Fprintf(w, "blocked %s %s (%s)\n", b.Prefix, how, termsafe.Field(b.Reason))
}

// writeBulk says what `ifw block reload` loaded.
func writeBulk(w io.Writer, s block.BulkStats) {
	fmt.Fprintf(w, "loaded %s from %s: %d in the IPv4 set, %d in the IPv6 set (%d widened, %d duplicates, %d refused by the never-block list) in %s\n",
		count(s.Entries, "entry", "entries"), count(s.Files, "file", "files"),
		s.Loaded4, s.Loaded6, s.Widened, s.Duplicates, s.Refused, s.Took.Round(time.Millisecond))
}

func writeBlocks(w io.Writer, list []block.Active) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no active blocks")
	}
	for _, b := range list {
		left := "permanent"
		if b.RemainingSeconds > 0 {
			left = (time.Duration(b.RemainingSeconds) * time.Second).String() + " left"
		}
		fmt.Fprintf(w, "%-43s %-7s DL %d  %-14s since %s  %s\n", b.Prefix, b.Source, b.Level, left, b.Created.Format(time.DateTime), termsafe.Field(b.Reason))
	}
}
