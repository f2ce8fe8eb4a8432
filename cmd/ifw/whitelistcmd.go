package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newWhitelistCmd is `ifw whitelist add|del|list`: the addresses ifw
// must never block.
func newWhitelistCmd(e env) *cobra.Command {
	g := newGroup("whitelist", "the addresses ifw must never block: add, del, list")
	socket := socketFlag(g)
	client := func() *control.Client { return control.NewClient(*socket) }

	add := &cobra.Command{Use: "add IP|CIDR|HOST", Short: "add an entry (and lift the blocks it covers)", Args: wantArgs(1, 1),
		ValidArgsFunction: cobra.NoFileCompletions}
	comment := add.Flags().String("comment", "", "a comment kept beside the entry")
	unresolved := add.Flags().Bool("allow-unresolved", false, "keep a host name that does not resolve now (it protects nothing until it does)")
	addJSON := jsonFlag(add, "print what was added as JSON")
	add.RunE = func(cmd *cobra.Command, args []string) error {
		req := control.WhitelistRequest{Entry: args[0], Comment: *comment, AllowUnresolved: *unresolved}
		res, err := client().WhitelistAdd(cmd.Context(), req)
		return printOr(e, cmd, *addJSON, res, err, func(res *control.WhitelistAdded) { writeWhitelistAdded(e, res) })
	}

	del := &cobra.Command{Use: "del ENTRY", Short: "remove an entry", Args: wantArgs(1, 1),
		ValidArgsFunction: completeWhitelist(socket)}
	delJSON := jsonFlag(del, "print what was removed as JSON")
	del.RunE = func(cmd *cobra.Command, args []string) error {
		r, err := client().WhitelistDel(cmd.Context(), args[0])
		return printOr(e, cmd, *delJSON, r, err, func(r control.Removed) {
			fmt.Fprintf(e.stdout, "removed %s from the whitelist\n", termsafe.Field(r.Removed))
		})
	}

	list := &cobra.Command{Use: "list", Short: "list the whitelist and the whole never-block list", Args: cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions}
	listJSON := jsonFlag(list, "print the lists as JSON")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		wl, err := client().Whitelist(cmd.Context())
		return printOr(e, cmd, *listJSON, wl, err, func(wl *control.Whitelist) { writeWhitelist(e.stdout, wl) })
	}
	g.AddCommand(add, del, list)
	return g
}

// writeWhitelistAdded says what `ifw whitelist add` did: the entry, a
// warning for a host name kept without addresses (on stderr), and the
// blocks it lifted.
func writeWhitelistAdded(e env, res *control.WhitelistAdded) {
	fmt.Fprintf(e.stdout, "added %s to %s", termsafe.Field(res.Added), res.File)
	if len(res.Prefixes) > 0 {
		fmt.Fprintf(e.stdout, " (%s)", joinPrefixes(res.Prefixes))
	}
	fmt.Fprintln(e.stdout)
	if res.Warning != "" {
		fmt.Fprintln(e.stderr, "warning:", res.Warning)
	}
	for _, p := range res.Unblocked {
		fmt.Fprintf(e.stdout, "lifted the active block of %s: it is on the never-block list now\n", p)
	}
}

// writeWhitelist lists the whitelist file, then the never-block list in
// two parts by what each entry protects against: every block, or only
// blocks on untrusted evidence.
func writeWhitelist(w io.Writer, wl *control.Whitelist) {
	fmt.Fprintf(w, "Whitelist %s\n", wl.File)
	for _, e := range wl.Entries {
		fmt.Fprintf(w, "  %-40s %s", termsafe.Field(e.Text), joinPrefixes(e.Prefixes))
		if e.Comment != "" {
			fmt.Fprintf(w, "  # %s", termsafe.Field(e.Comment))
		}
		if e.Err != "" {
			fmt.Fprintf(w, "  (does not resolve: %s)", e.Err)
		}
		fmt.Fprintln(w)
	}
	for _, untrusted := range []bool{false, true} {
		if untrusted {
			fmt.Fprintln(w, "\nNot blocked on untrusted evidence only: lines of a syslog file, which any local user can forge;")
			fmt.Fprintln(w, "kernel evidence (kmsg, NFLOG, journal) and `ifw block add` still block these")
		} else {
			fmt.Fprintln(w, "\nNever blocked, whatever the evidence or the path (auto, ifw block add, bulk lists)")
		}
		for _, p := range wl.Protected {
			if p.UntrustedOnly != untrusted {
				continue
			}
			fmt.Fprintf(w, "  %-43s %s", p.Prefix, p.Why)
			if p.Source != "" {
				fmt.Fprintf(w, " (%s)", p.Source)
			}
			fmt.Fprintln(w)
		}
	}
}
