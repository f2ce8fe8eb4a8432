package version

import (
	"runtime/debug"
	"testing"
)

func TestBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-05-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tt := range []struct {
		ld   Info
		bi   *debug.BuildInfo
		want string
	}{
		{Info{Go: "go1.26"}, bi, "v1.4.0 (commit 0123abcd+modified, 2026-05-01T10:00:00Z, go1.26)"},
		{Info{Version: "1.5.0-3-gfeed", Commit: "feedface", Date: "2026-06-01T00:00:00+02:00", Go: "go1.26"}, bi,
			"1.5.0-3-gfeed (commit feedface, 2026-06-01T00:00:00+02:00, go1.26)"},
		{Info{Go: "go1.26"}, nil, "unknown (commit unknown, unknown, go1.26)"},
	} {
		if got := merge(tt.ld, tt.bi).String(); got != tt.want {
			t.Errorf("merge(%+v) = %q, want %q", tt.ld, got, tt.want)
		}
	}
}
