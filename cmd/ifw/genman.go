//go:build manpages

package main

import (
	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/gen/man"
)

// genManCmds is `ifw gen-man DIR` (ifw.8 and one page per command), in a
// binary built with the manpages tag only: `make man` builds one.
func genManCmds(e env) []*cobra.Command {
	return []*cobra.Command{newGenCmd(e, "gen-man DIR", "write the man pages (ifw.8, ifw-block-add.8, …) into DIR", man.Write)}
}
