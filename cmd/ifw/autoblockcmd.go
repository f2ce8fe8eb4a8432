package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newBlockAutoCmd is `ifw block auto [on|off]`: the daemon's
// automatic-blocking switch, read or set.
func newBlockAutoCmd(e env, client func() *control.Client) *cobra.Command {
	auto := &cobra.Command{Use: "auto [on|off]", Short: "show or set automatic blocking (saved; overrides ifw.conf's [block] auto)",
		Long: `Without an argument, show whether alerts at the auto-block level block their
source now. With on or off, switch it at once: the daemon logs who did it,
and keeps the switch in its state directory (auto-block next to the
database) over restarts, until it is switched again, the file is removed, or
ifw.conf's [block] auto is edited to another value (the config wins then).
Active blocks stay either way.`,
		Args: wantArgs(0, 1), ValidArgs: []string{"on", "off"}}
	asJSON := jsonFlag(auto, "print the switch as JSON")
	auto.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			a, err := client().AutoBlock(cmd.Context())
			return printOr(e, cmd, *asJSON, a, err, func(a control.AutoBlock) { writeAutoBlock(e.stdout, a) })
		}
		var on bool
		switch args[0] {
		case "on":
			on = true
		case "off":
		default:
			return failed(e, cmd, fmt.Errorf("%q: want on or off", args[0]))
		}
		a, err := client().SetAutoBlock(cmd.Context(), on)
		return printOr(e, cmd, *asJSON, a, err, func(a control.AutoBlock) {
			writeAutoBlock(e.stdout, a)
			if a.Warning != "" {
				fmt.Fprintf(e.stderr, "warning: %s\n", termsafe.Field(a.Warning))
			}
		})
	}
	return auto
}

// writeAutoBlock says whether automatic blocking is on, and who set it
// when it is not the config's value.
func writeAutoBlock(w io.Writer, a control.AutoBlock) {
	fmt.Fprintf(w, "Automatic blocking: %s", onOffWord(a.On))
	switch {
	case a.Changed.IsZero():
		fmt.Fprint(w, " (as configured)")
	default:
		fmt.Fprintf(w, " (set by %s at %s; ifw.conf says %s)", termsafe.Field(a.By), a.Changed.Local().Format(time.DateTime), onOffWord(a.Configured))
	}
	fmt.Fprintln(w)
}

func onOffWord(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
