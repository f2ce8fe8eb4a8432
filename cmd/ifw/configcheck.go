package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc/config"
	sigrules "github.com/ifw/ifw/signatures/rules"
)

// newConfigCmd is `ifw config check [--config FILE]`.
func newConfigCmd(e env) *cobra.Command {
	g := newGroup("config", "the configuration: check")
	check := &cobra.Command{Use: "check", Short: "check the whole configuration and the files it names, as the daemon reads them",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	path := check.Flags().String("config", config.DefaultPath, "configuration file")
	check.RunE = func(*cobra.Command, []string) error { return exitWith(runConfig(e, path)) }
	g.AddCommand(check)
	return g
}

// runConfig is `ifw config check [--config FILE]`: it reads the whole
// configuration and the files it names (signatures, auto_dl, the outbound
// rules when [verdict] is enabled) as the daemon
// would, and reports the first problem as file:line.
func runConfig(e env, path *string) int {
	cfg, err := config.Load(*path, true)
	var sigs *sigrules.Set
	if err == nil {
		sigs, err = cfg.Check()
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw config check:", err)
		return exitFail
	}
	config.WarnSkipped(e.stderr, sigs)
	fmt.Fprintln(e.stdout, "ok:", cfg.Describe())
	fmt.Fprintln(e.stdout, "signatures:", control.CountSignatures(sigs))
	return exitOK
}
