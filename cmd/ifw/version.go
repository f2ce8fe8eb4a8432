package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// What the build says of itself; `make build` sets them with
// -ldflags "-X main.version=… -X main.commit=… -X main.date=…" (git
// describe, the commit, its date). Empty, they come from the build info
// Go records (module version, vcs.revision, vcs.time), which a plain `go
// build` in a checkout has and `go install module@version` has too.
var (
	version string
	commit  string
	date    string
)

// buildInfo is what `ifw --version` says.
type buildInfo struct {
	Version, Commit, Date, Go string
	Modified                  bool // built from a tree with uncommitted changes
}

// readBuildInfo merges the -ldflags values over Go's build info.
func readBuildInfo() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return mergeBuildInfo(buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version()}, bi)
}

// mergeBuildInfo fills what the linker did not set (ld) from bi (nil:
// none); what neither knows is "unknown".
func mergeBuildInfo(ld buildInfo, bi *debug.BuildInfo) buildInfo {
	b := ld
	if bi == nil {
		return b.orUnknown()
	}
	if b.Version == "" {
		b.Version = bi.Main.Version // "(devel)" for a build in a checkout
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		case s.Key == "vcs.modified" && ld.Commit == "":
			b.Modified = s.Value == "true"
		}
	}
	return b.orUnknown()
}

func (b buildInfo) orUnknown() buildInfo {
	for _, s := range []*string{&b.Version, &b.Commit, &b.Date} {
		if *s == "" {
			*s = "unknown"
		}
	}
	return b
}

func (b buildInfo) String() string {
	c := b.Commit
	if b.Modified {
		c += "+modified"
	}
	return fmt.Sprintf("%s (commit %s, %s, %s)", b.Version, c, b.Date, b.Go)
}

// newVersionCmd is `ifw version`, the same as `ifw --version`.
func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{Use: "version", Short: "print ifw's version, commit and build date",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(e.stdout, "ifw", cmd.Root().Version)
			return nil
		}}
}
