package rules

import (
	"bytes"
	"strings"
	"testing"
)

// fuzzUsers knows every name of lowercase letters (uid = length), so user
// names round-trip without a user database.
func fuzzUsers(name string) (uint32, error) {
	if strings.Trim(name, "abcdefghijklmnopqrstuvwxyz") != "" {
		return testUsers(name)
	}
	return uint32(len(name)), nil
}

// FuzzParseLine: ParseLine never panics; what it accepts is valid, and
// String reads back to an equal Rule and is its own String.
func FuzzParseLine(f *testing.F) {
	for _, l := range goldenRules {
		f.Add(l)
	}
	for _, l := range []string{"allow", "deny exe=unknown # c", `allow note="\u00e9\x00#"`, "allow dst=::ffff:1.2.3.4/100", "allow idle=1h2m3.5s", "reject lifetime=once", "allow created=2026-11-21T08:00:00.123+02:00", "allow port=0-0", "allow exe=/a#b"} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseLine(line, fuzzUsers)
		if err != nil {
			return
		}
		if verr := r.Validate(); verr != nil {
			t.Fatalf("ParseLine(%q) returned an invalid rule: %v", line, verr)
		}
		s := r.String()
		again, err := ParseLine(s, fuzzUsers)
		if err != nil {
			t.Fatalf("ParseLine(%q).String() = %q does not parse: %v", line, s, err)
		}
		if again != r {
			t.Fatalf("ParseLine(%q) = %+v\nString %q reads back as %+v", line, r, s, again)
		}
		if again.String() != s {
			t.Fatalf("String not stable: %q then %q", s, again.String())
		}
	})
}

// FuzzParse: Parse never panics; errors name file:line; what it accepts
// Format writes and Parse reads back to the same saved rules.
func FuzzParse(f *testing.F) {
	f.Add([]byte(strings.Join(goldenRules, "\n")))
	f.Add([]byte("# c\n\nallow exe=/bin/a\r\ndeny exe=/bin/a\nallow exe=/bin/a\n"))
	f.Add([]byte("allow port=x\nallow frob=1\n\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Parse(bytes.NewReader(data), "fuzz", fuzzUsers)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") || rs != nil {
				t.Fatalf("error %q (with %d rules)", err, len(rs))
			}
			return
		}
		var b bytes.Buffer
		if err := Format(&b, rs); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(&b, "again", fuzzUsers)
		if err != nil {
			t.Fatalf("Format output does not parse: %v", err)
		}
		var saved []Rule
		for _, r := range rs {
			if r.Lifetime.saved() {
				saved = append(saved, r)
			}
		}
		if len(back) != len(saved) {
			t.Fatalf("%d rules read back, want %d", len(back), len(saved))
		}
		for i := range back {
			if back[i] != saved[i] {
				t.Fatalf("rule %d: %+v read back as %+v", i, saved[i], back[i])
			}
		}
	})
}
