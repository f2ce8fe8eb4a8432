package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newVersionCmd is `ifw version`, the same as `ifw --version`.
func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{Use: "version", Short: "print ifw's version, commit and build date",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(e.stdout, "ifw", cmd.Root().Version)
			return nil
		}}
}
