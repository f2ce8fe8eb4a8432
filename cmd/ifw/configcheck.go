package main

import (
	"github.com/ifw/ifw/cmd/ifw/control"

	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/whitelist"

	"github.com/ifw/ifw/actions/verdict/rules"
	sigrules "github.com/ifw/ifw/signatures/rules"
)

// newConfigCmd is `ifw config check [--config FILE]`.
func newConfigCmd(e env) *cobra.Command {
	g := newGroup("config", "the configuration: check")
	check := &cobra.Command{Use: "check", Short: "check the whole configuration and the files it names, as the daemon reads them",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	path := check.Flags().String("config", defaultConfigPath, "configuration file")
	check.RunE = func(*cobra.Command, []string) error { return exitWith(runConfig(e, path)) }
	g.AddCommand(check)
	return g
}

// runConfig is `ifw config check [--config FILE]`: it reads the whole
// configuration and the files it names (signatures, auto_dl, the outbound
// rules when [verdict] is enabled) as the daemon
// would, and reports the first problem as file:line.
func runConfig(e env, path *string) int {
	cfg, err := loadDaemonConfig(*path, true)
	var sigs *sigrules.Set
	if err == nil {
		sigs, err = cfg.detect.loadLists()
	}
	if err == nil && cfg.verdict.enabled {
		_, err = rules.NewSet(rules.Options{}).Load(cfg.verdict.module.RulesFile)
	}
	if err == nil {
		err = checkActions(cfg)
	}
	if err == nil && cfg.block.enabled {
		err = checkWhitelist(cfg.block.whitelist)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw config check:", err)
		return exitFail
	}
	warnSkipped(e.stderr, sigs)
	fmt.Fprintln(e.stdout, "ok:", cfg.describe())
	fmt.Fprintln(e.stdout, "signatures:", control.CountSignatures(sigs))
	return exitOK
}

// checkActions makes every action as the daemon would (a script's command
// line split and its program found and checked, a mail action's sendmail
// checked…) and closes it again; an error is given at the action's line.
func checkActions(cfg *daemonConfig) error {
	discard := slog.New(slog.DiscardHandler)
	for _, s := range cfg.actions {
		if s.kind == "notify" {
			continue // needs the desktop's bus, checked when the daemon starts
		}
		act, err := actionTypes[s.kind].build(s, discard)
		if err != nil {
			return actionConfError(cfg.path, s, err)
		}
		if c, ok := act.(interface{ Close() error }); ok {
			c.Close()
		}
	}
	return nil
}

// actionConfError places an action's error at the line of the key it is
// about (command, sendmail, …) or of its type.
func actionConfError(path string, s sourceSettings, err error) error {
	line := s.lines["type"]
	for _, key := range []string{"command", "sendmail", "smtp", "to"} {
		if n := s.lines[key]; n != 0 {
			line = n
			break
		}
	}
	return &ConfError{File: path, Line: line, Msg: fmt.Sprintf("[action %s]: %v", s.name, err)}
}

// checkWhitelist parses the whitelist file (a missing one is an empty
// list, as for the daemon); host names are not resolved here.
func checkWhitelist(path string) error {
	data, err := readRegular(path, whitelist.MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = whitelist.Parse(path, data)
	return err
}
