package main

import (
	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/gen"
)

// The hidden commands `make man` and `make completion` run: the man
// pages and the shell completion scripts come from the same command tree
// as the help, so they cannot drift from it. Packaging installs them.
// gen-man is only in a binary built with the manpages tag (genman.go).

// newGenCompletionCmd is `ifw gen-completion DIR`: ifw.bash, _ifw (zsh)
// and ifw.fish.
func newGenCompletionCmd(e env) *cobra.Command {
	return newGenCmd(e, "gen-completion DIR", "write the bash, zsh and fish completion scripts into DIR", gen.Completion)
}

// newGenCmd is a hidden command writing into DIR with write.
func newGenCmd(e env, use, short string, write func(*cobra.Command, string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Hidden: true, Args: wantArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := write(cmd.Root(), args[0]); err != nil {
				return failed(e, cmd, err)
			}
			return nil
		}}
}
