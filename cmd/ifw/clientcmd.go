package main

import (
	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// socketFlag gives cmd, and the commands under it, --socket: the daemon's
// control socket.
func socketFlag(cmd *cobra.Command) *string {
	return cmd.PersistentFlags().String("socket", control.DefaultSocket, "the daemon's control socket")
}

// jsonFlag gives cmd --json.
func jsonFlag(cmd *cobra.Command, usage string) *bool {
	return cmd.Flags().Bool("json", false, usage)
}
