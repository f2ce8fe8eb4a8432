package gen

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/ifw/ifw/cmd/ifw/version"
)

// Man writes ifw.8 and one page per command of root into dir.
func Man(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.InitDefaultCompletionCmd()
	// The date is SOURCE_DATE_EPOCH's when set (reproducible builds), else today.
	h := &doc.GenManHeader{Title: "IFW", Section: "8", Manual: "ifw manual", Source: "ifw " + version.Read().Version}
	return doc.GenManTree(root, h, dir)
}

// Completion writes the bash, zsh and fish completion scripts of root
// into dir (ifw.bash, _ifw, ifw.fish).
func Completion(root *cobra.Command, dir string) error {
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
