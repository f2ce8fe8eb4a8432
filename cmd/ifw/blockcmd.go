package main

import (
	"context"
	"encoding/json"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/jsonlists"

	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/block"
)

// runBlock is `ifw block add|del|list|reload`, over the control socket.
func runBlock(e env, args []string) int {
	c := newControlCmd(e, "block", "usage: ifw block add ADDR|CIDR [--for 1h|forever] [--reason TEXT] | del ADDR|CIDR | list [--json] | reload", args)
	if c == nil {
		return exitUsage
	}
	fs, socket, asJSON := c.fs, c.socket, c.asJSON
	dur := fs.String("for", "", "how long (a duration such as 1h, or forever); default: the policy's")
	reason := fs.String("reason", "", "why, kept with the block")
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return flagExit(err)
	}
	client, ctx := control.NewClient(*socket), context.Background()
	var v any
	var err error
	switch {
	case args[0] == "add" && fs.NArg() == 1:
		v, err = client.Block(ctx, control.BlockRequest{Prefix: fs.Arg(0), For: *dur, Reason: *reason})
	case args[0] == "del" && fs.NArg() == 1:
		v, err = client.Unblock(ctx, fs.Arg(0))
	case args[0] == "reload" && fs.NArg() == 0:
		v, err = client.ReloadBlocks(ctx)
	case args[0] == "list" && fs.NArg() == 0:
		var list []block.Active
		if list, err = client.Blocks(ctx); err == nil && !*asJSON {
			writeBlocks(e.stdout, list)
			return exitOK
		}
		v = list
	default:
		fmt.Fprintf(e.stderr, "ifw block: unknown or incomplete command %q\n", args)
		return exitUsage
	}
	return printResult(e, "ifw block", v, err)
}

// runWhitelist is `ifw whitelist add|del|list`.
func runWhitelist(e env, args []string) int {
	c := newControlCmd(e, "whitelist", "usage: ifw whitelist add IP|CIDR|HOST [--comment TEXT] [--allow-unresolved] [--json] | del ENTRY | list [--json]", args)
	if c == nil {
		return exitUsage
	}
	fs, socket, asJSON := c.fs, c.socket, c.asJSON
	comment := fs.String("comment", "", "a comment kept beside the entry")
	unresolved := fs.Bool("allow-unresolved", false, "keep a host name that does not resolve now (it protects nothing until it does)")
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return flagExit(err)
	}
	client, ctx := control.NewClient(*socket), context.Background()
	var v any
	var err error
	switch {
	case args[0] == "add" && fs.NArg() == 1:
		req := control.WhitelistRequest{Entry: fs.Arg(0), Comment: *comment, AllowUnresolved: *unresolved}
		var res *control.WhitelistAdded
		if res, err = client.WhitelistAdd(ctx, req); err == nil && !*asJSON {
			writeWhitelistAdded(e, res)
			return exitOK
		}
		v = res
	case args[0] == "del" && fs.NArg() == 1:
		v, err = client.WhitelistDel(ctx, fs.Arg(0))
	case args[0] == "list" && fs.NArg() == 0:
		var wl *control.Whitelist
		if wl, err = client.Whitelist(ctx); err == nil && !*asJSON {
			writeWhitelist(e.stdout, wl)
			return exitOK
		}
		v = wl
	default:
		fmt.Fprintf(e.stderr, "ifw whitelist: unknown or incomplete command %q\n", args)
		return exitUsage
	}
	return printResult(e, "ifw whitelist", v, err)
}

// controlCmd is the command line of `ifw NAME VERB …`, a command that talks
// to the daemon: a flag set with --socket and --json.
type controlCmd struct {
	fs     *flag.FlagSet
	socket *string
	asJSON *bool
}

// newControlCmd starts the flags of `ifw name args…`; without a verb it
// prints usage and returns nil.
func newControlCmd(e env, name, usage string, args []string) *controlCmd {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return nil
	}
	fs := flag.NewFlagSet(name+" "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return &controlCmd{fs: fs, socket: fs.String("socket", control.DefaultSocket, "the daemon's control socket"),
		asJSON: fs.Bool("json", false, "print JSON")}
}

// parseInterspersed parses flags that may follow the positional arguments
// (`ifw block add 198.51.100.7 --for 1h`); fs.Args() then holds only the
// positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// printResult prints a command's result as JSON, or its error.
func printResult(e env, who string, v any, err error) int {
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", who, err)
		return exitFail
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonlists.Fill(v)); err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", who, err)
		return exitFail
	}
	return exitOK
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
		fmt.Fprintf(w, "%-43s %-7s DL %d  %-14s since %s  %s\n", b.Prefix, b.Source, b.Level, left, b.Created.Format(time.DateTime), b.Reason)
	}
}

// writeWhitelistAdded says what `ifw whitelist add` did: the entry, a
// warning for a host name kept without addresses (on stderr), and the
// blocks it lifted.
func writeWhitelistAdded(e env, res *control.WhitelistAdded) {
	fmt.Fprintf(e.stdout, "added %s to %s", res.Added, res.File)
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

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

// writeWhitelist lists the whitelist file, then the never-block list in
// two parts by what each entry protects against: every block, or only
// blocks on untrusted evidence.
func writeWhitelist(w io.Writer, wl *control.Whitelist) {
	fmt.Fprintf(w, "Whitelist %s\n", wl.File)
	for _, e := range wl.Entries {
		fmt.Fprintf(w, "  %-40s %s", e.Text, joinPrefixes(e.Prefixes))
		if e.Comment != "" {
			fmt.Fprintf(w, "  # %s", e.Comment)
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
