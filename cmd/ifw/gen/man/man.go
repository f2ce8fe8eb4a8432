package man

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/ifw/ifw/cmd/ifw/version"
)

// Write writes ifw.8 and one page per command of root into dir.
func Write(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.InitDefaultCompletionCmd()
	// The date is SOURCE_DATE_EPOCH's when set (reproducible builds), else today.
	h := &doc.GenManHeader{Title: "IFW", Section: "8", Manual: "ifw manual", Source: "ifw " + version.Read().Version}
	return doc.GenManTree(root, h, dir)
}
