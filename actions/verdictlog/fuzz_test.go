package verdictlog

import (
	"strings"
	"testing"
)

// FuzzLine: whatever the program's path and the name hold, a line is one
// line of the same fields, split at blanks.
func FuzzLine(f *testing.F) {
	f.Add("/usr/bin/curl", "deb.debian.org", "alice")
	f.Add("/opt/My App/x\n=\"", "", "")
	f.Add("\x00\u2028\t", "a b", "=")
	f.Fuzz(func(t *testing.T, exe, name, user string) {
		e := testEntry()
		e.Exe, e.Name, e.User = exe, name, user
		line := string(e.AppendLine(nil))
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
			t.Fatalf("not one line: %q", line)
		}
		fields := strings.Fields(line)
		if len(fields) != 12 || !strings.HasPrefix(fields[7], "exe=") || !strings.HasPrefix(fields[11], "name=") {
			t.Fatalf("fields %q", fields)
		}
	})
}

// FuzzParseTarget: a value is taken as syslog, a file with an absolute
// path, or none, or refused.
func FuzzParseTarget(f *testing.F) {
	for _, v := range []string{"syslog", "none", "file /var/lib/ifw/v.log", "file a", "file /x/", ""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var c Config
		if err := c.ParseTarget(v); err != nil {
			return
		}
		if c.Syslog && c.File != "" || c.File != "" && c.File[0] != '/' {
			t.Fatalf("%q: %+v", v, c)
		}
		if _, err := ParseSize(v); err == nil && c.Enabled() {
			t.Fatalf("%q is a size and a target", v)
		}
	})
}
