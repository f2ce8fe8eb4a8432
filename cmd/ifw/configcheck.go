package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/ifw/ifw/actions/verdict/rules"
	sigrules "github.com/ifw/ifw/signatures/rules"
)

// runConfig is `ifw config check [--config FILE]`: it reads the whole
// configuration and the files it names (signatures, auto_dl, the outbound
// rules when [verdict] is enabled) as the daemon
// would, and reports the first problem as file:line.
func runConfig(e env, args []string) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(e.stderr, "usage: ifw config check [--config FILE]")
		return exitUsage
	}
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", defaultConfigPath, "configuration file")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cfg, err := loadDaemonConfig(*path, true)
	var sigs *sigrules.Set
	if err == nil {
		sigs, err = cfg.detect.loadLists()
	}
	if err == nil && cfg.verdict.enabled {
		_, err = rules.NewSet(rules.Options{}).Load(cfg.verdict.module.RulesFile)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw config check:", err)
		return exitFail
	}
	warnSkipped(e.stderr, sigs)
	fmt.Fprintln(e.stdout, "ok:", cfg.describe())
	fmt.Fprintln(e.stdout, "signatures:", countSignatures(sigs))
	return exitOK
}
