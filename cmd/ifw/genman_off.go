//go:build !manpages

package main

import "github.com/spf13/cobra"

// genManCmds is empty: the man page generator links a Markdown renderer
// whose start-up cost every command would pay (package gen/man); `make
// man` builds ifw with the manpages tag to have gen-man.
func genManCmds(env) []*cobra.Command { return nil }
