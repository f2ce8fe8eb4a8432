package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/jsonlists"
)

// The printing every command shares: a failure on stderr named by the
// command ("ifw rules del: no rule 99"), JSON for --json, and the few
// words of the human lines. Fields a user or a packet chose go through
// termsafe.Field.

// failed says on stderr why cmd failed and ends the run with exit code 1.
func failed(e env, cmd *cobra.Command, err error) error {
	fmt.Fprintf(e.stderr, "%s: %v\n", cmd.CommandPath(), err)
	return exitCode(exitFail)
}

// printJSON prints v as indented JSON, empty lists as [] (not null).
func printJSON(e env, cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonlists.Fill(v)); err != nil {
		return failed(e, cmd, err)
	}
	return nil
}

// printOr prints v as JSON when asJSON, else with human; err, when not
// nil, is the command's failure.
func printOr[T any](e env, cmd *cobra.Command, asJSON bool, v T, err error, human func(T)) error {
	switch {
	case err != nil:
		return failed(e, cmd, err)
	case asJSON:
		return printJSON(e, cmd, v)
	}
	human(v)
	return nil
}

// fmtDuration is d for a person: 1h, 1h30m, 45s (not 1h0m0s).
func fmtDuration(d time.Duration) string {
	if d >= 10*time.Minute {
		d = d.Round(time.Minute)
	} else {
		d = d.Round(time.Second)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// count is "1 entry", "2 entries".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}
