package firewall

import (
	"context"
	"fmt"
	"strings"
)

// Detect asks tool (iptables, ip6tables) which variant it is: its version
// line says "(nf_tables)" or "(legacy)"; versions before 1.8 say neither
// and are legacy. version is that line.
func Detect(ctx context.Context, run Runner, tool string) (b Backend, version string, err error) {
	argv := []string{tool, "-V"}
	res, err := run(ctx, argv)
	if err != nil {
		return "", "", &CommandError{Argv: argv, Err: err}
	}
	if res.Code != 0 {
		return "", "", &CommandError{Argv: argv, Code: res.Code, Stderr: string(res.Stderr)}
	}
	version = strings.TrimSpace(string(res.Stdout))
	switch {
	case strings.Contains(version, "(nf_tables)"):
		return BackendNFT, version, nil
	case strings.Contains(version, "(legacy)"):
		return BackendLegacy, version, nil
	case strings.HasPrefix(version, tool+" v1."):
		return BackendLegacy, version, nil
	}
	return "", version, fmt.Errorf("%s -V: cannot tell the backend from %q", tool, version)
}
