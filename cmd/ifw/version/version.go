package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// What the build says of itself; `make build` sets them with
// -ldflags "-X github.com/ifw/ifw/cmd/ifw/version.version=…" (and
// .commit, .date) (git
// describe, the commit, its date). Empty, they come from the build info
// Go records (module version, vcs.revision, vcs.time), which a plain `go
// build` in a checkout has and `go install module@version` has too.
var (
	version string
	commit  string
	date    string
)

// Info is what `ifw --version` says.
type Info struct {
	Version, Commit, Date, Go string
	Modified                  bool // built from a tree with uncommitted changes
}

// Read merges the -ldflags values over Go's build info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return merge(Info{Version: version, Commit: commit, Date: date, Go: runtime.Version()}, bi)
}

// merge fills what the linker did not set (ld) from bi (nil:
// none); what neither knows is "unknown".
func merge(ld Info, bi *debug.BuildInfo) Info {
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

func (b Info) orUnknown() Info {
	for _, s := range []*string{&b.Version, &b.Commit, &b.Date} {
		if *s == "" {
			*s = "unknown"
		}
	}
	return b
}

func (b Info) String() string {
	c := b.Commit
	if b.Modified {
		c += "+modified"
	}
	return fmt.Sprintf("%s (commit %s, %s, %s)", b.Version, c, b.Date, b.Go)
}
