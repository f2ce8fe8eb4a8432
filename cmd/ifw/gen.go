package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The hidden commands `make man` and `make completion` run: the man
// pages and the shell completion scripts come from the same command tree
// as the help, so they cannot drift from it. Packaging installs them.

// newGenManCmd is `ifw gen-man DIR`: ifw.8 and one page per command.
func newGenManCmd(e env) *cobra.Command {
	return &cobra.Command{Use: "gen-man DIR", Short: "write the man pages (ifw.8, ifw-block-add.8, …) into DIR",
		Hidden: true, Args: wantArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := genMan(cmd.Root(), args[0]); err != nil {
				return failed(e, cmd, err)
			}
			return nil
		}}
}

// newGenCompletionCmd is `ifw gen-completion DIR`: ifw.bash, _ifw (zsh)
// and ifw.fish.
func newGenCompletionCmd(e env) *cobra.Command {
	return &cobra.Command{Use: "gen-completion DIR", Short: "write the bash, zsh and fish completion scripts into DIR",
		Hidden: true, Args: wantArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := genCompletion(cmd.Root(), args[0]); err != nil {
				return failed(e, cmd, err)
			}
			return nil
		}}
}

func genMan(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.InitDefaultCompletionCmd()
	// The date is SOURCE_DATE_EPOCH's when set (reproducible builds), else today.
	h := &doc.GenManHeader{Title: "IFW", Section: "8", Manual: "ifw manual", Source: "ifw " + readBuildInfo().Version}
	return doc.GenManTree(root, h, dir)
}

func genCompletion(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.InitDefaultCompletionCmd()
	for name, gen := range map[string]func(f *os.File) error{
		"ifw.bash": func(f *os.File) error { return root.GenBashCompletionV2(f, true) },
		"_ifw":     func(f *os.File) error { return root.GenZshCompletion(f) },
		"ifw.fish": func(f *os.File) error { return root.GenFishCompletion(f, true) },
	} {
		if err := writeFile(filepath.Join(dir, name), gen); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes path whole with gen.
func writeFile(path string, gen func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
