package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/etc/psadconf"
)

// newImportCmd is `ifw import psad [DIR] [--dry-run] [--out FILE [--force]]`.
func newImportCmd(e env) *cobra.Command {
	g := newGroup("import", "bring another tool's configuration: psad")
	psad := &cobra.Command{Use: "psad [DIR]", Short: "translate psad's configuration (DIR/psad.conf, default " + psadconf.DefaultDir + ") into an ifw.conf",
		Long: `Reads DIR/psad.conf (default ` + psadconf.DefaultDir + `) and writes an ifw.conf that behaves
the same: danger levels, scan timeout, home network, ignore lists, the log
source, auto-blocking, and the script, mail and syslog alerts. psad's
signatures and auto_dl files are used as they are. A psad key with no ifw
equivalent is kept as a comment saying why. Without --out the result is
printed; --out never replaces an existing file without --force.`,
		Args: wantArgs(0, 1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		}}
	dryRun := psad.Flags().Bool("dry-run", false, "print the result, write nothing")
	out := psad.Flags().String("out", "", "write the result to `FILE` (e.g. "+config.DefaultPath+") and check it")
	force := psad.Flags().Bool("force", false, "with --out, replace an existing file")
	psad.RunE = func(cmd *cobra.Command, args []string) error {
		dir := psadconf.DefaultDir
		if len(args) == 1 {
			dir = args[0]
		}
		res, err := psadconf.Import(dir)
		if err != nil {
			return failed(e, cmd, err)
		}
		for _, n := range res.Notes {
			fmt.Fprintln(e.stderr, "note:", n)
		}
		if *dryRun || *out == "" {
			if err := res.Write(e.stdout); err != nil {
				return failed(e, cmd, err)
			}
			if !*dryRun {
				fmt.Fprintln(e.stderr, "printed, nothing written: --out "+config.DefaultPath+" writes it")
			}
			return nil
		}
		return writeImport(e, cmd, res, *out, *force)
	}
	g.AddCommand(psad)
	return g
}

// writeImport writes res to path (an existing file only when force) and
// checks it as `ifw config check` does.
func writeImport(e env, cmd *cobra.Command, res *psadconf.Result, path string, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return failed(e, cmd, fmt.Errorf("%s exists: --force replaces it", path))
	}
	if err != nil {
		return failed(e, cmd, err)
	}
	err = res.Write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return failed(e, cmd, err)
	}
	fmt.Fprintln(e.stdout, "wrote", path)
	cfg, err := config.Load(path, true)
	if err == nil {
		_, err = cfg.Check()
	}
	if err != nil {
		return failed(e, cmd, fmt.Errorf("the imported configuration does not pass ifw config check: %w", err))
	}
	fmt.Fprintln(e.stdout, "ok:", cfg.Describe())
	return nil
}
