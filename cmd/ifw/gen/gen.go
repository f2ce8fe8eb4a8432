package gen

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

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
