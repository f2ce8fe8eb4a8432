package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runArgs runs ifw's command line in-process.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// commandPaths walks the whole command tree (help and hidden commands
// too): every command a user can name.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	root := newRootCmd(env{})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 20 {
		t.Fatalf("only %d commands in the tree", len(paths))
	}
	return paths
}

// TestHelpEveryCommand: `ifw CMD [SUB] --help` (and -h) exits 0 with the
// usage on stdout and nothing on stderr, for every command of the tree:
// a new command is covered without being listed here.
func TestHelpEveryCommand(t *testing.T) {
	for _, path := range commandPaths(t) {
		for _, h := range []string{"--help", "-h"} {
			args := append(append([]string(nil), path...), h)
			code, out, errs := runArgs(args...)
			if code != exitOK || !strings.Contains(out, "Usage:") || errs != "" {
				t.Errorf("ifw %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errs)
			}
		}
	}
}

// TestUsageErrors: what is not a command line of ifw exits 2 with the
// error and the usage of the command concerned on stderr.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // on stderr, before the usage
	}{
		{nil, "ifw: missing command"},
		{[]string{"nosuch"}, `ifw: unknown command "nosuch"`},
		{[]string{"block"}, "ifw block: missing command"},
		{[]string{"block", "ad"}, `ifw block: unknown command "ad" (did you mean add?)`},
		{[]string{"whitelist"}, "ifw whitelist: missing command"},
		{[]string{"queue"}, "ifw queue: missing command"},
		{[]string{"rules"}, "ifw rules: missing command"},
		{[]string{"config"}, "ifw config: missing command"},
		{[]string{"block", "add"}, "ifw block add: "},
		{[]string{"block", "add", "198.51.100.7", "198.51.100.8"}, "ifw block add: "},
		{[]string{"block", "list", "--nosuch"}, "ifw block list: unknown flag: --nosuch"},
		{[]string{"rules", "del"}, "ifw rules del: "},
		{[]string{"queue", "allow", "1", "--reject"}, "ifw queue allow: unknown flag: --reject"},
		{[]string{"queue", "deny", "1", "--always", "--session"}, "exclude each other"},
		{[]string{"queue", "allow", "x"}, `ifw queue allow: "x" is not a question number`},
		{[]string{"rules", "del", "x"}, `ifw rules del: "x" is not a rule number`},
		{[]string{"analyze"}, "ifw analyze: no input"},
		{[]string{"analyze", "--min-level", "9", "-"}, "ifw analyze: --min-level 9"},
		{[]string{"notify-once"}, `ifw notify-once: required flag(s) "summary" not set`},
		{[]string{"status", "extra"}, "ifw status: "},
	} {
		code, out, errs := runArgs(tt.args...)
		if code != exitUsage || !strings.HasPrefix(errs, tt.want) && !strings.Contains(errs, tt.want) || out != "" {
			t.Errorf("ifw %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, exitUsage, tt.want, out, errs)
		}
	}
}

// TestUsageShowsArguments: a command's usage names its positional
// arguments.
func TestUsageShowsArguments(t *testing.T) {
	for path, want := range map[string]string{
		"block add":     "ifw block add ADDR|CIDR",
		"block del":     "ifw block del ADDR|CIDR",
		"whitelist add": "ifw whitelist add IP|CIDR|HOST",
		"whitelist del": "ifw whitelist del ENTRY",
		"queue allow":   "ifw queue allow N",
		"queue deny":    "ifw queue deny N",
		"rules add":     "ifw rules add ACTION [KEY=VALUE]...",
		"rules del":     "ifw rules del N",
		"analyze":       "ifw analyze FILE...",
		"block":         "ifw block COMMAND",
	} {
		_, out, _ := runArgs(append(strings.Fields(path), "--help")...)
		if !strings.Contains(out, want) {
			t.Errorf("ifw %s --help does not show %q:\n%s", path, want, out)
		}
	}
}
