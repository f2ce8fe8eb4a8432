package whitelist

import (
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, every entry it returns is well formed,
// and writing the entries back out parses to the same keys.
func FuzzParse(f *testing.F) {
	for _, s := range []string{testWhitelist, "10.0.0.1/8 # x\n", "::ffff:1.2.3.4/100", "a.b.\n#\n", "fe80::1%x", "1.2.3.4.5", "\r\n\t#"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		var b strings.Builder
		for _, e := range entries {
			key, kerr := entryKey(e.Text)
			if kerr != nil || e.Text == "" || strings.ContainsAny(e.Text, "# \t") || e.Line < 1 {
				t.Fatalf("bad entry %+v (%v)", e, kerr)
			}
			if !e.Host && (len(e.Prefixes) != 1 || e.Prefixes[0] != e.Prefixes[0].Masked() || e.Prefixes[0].Addr().Is4In6()) {
				t.Fatalf("entry %+v: prefix not canonical", e)
			}
			b.WriteString(key + " # " + e.Comment + "\n")
		}
		again, err := Parse("again", []byte(b.String()))
		if err != nil || len(again) != len(entries) {
			t.Fatalf("entries written back do not parse: %v", err)
		}
		for i := range again {
			k1, _ := entryKey(entries[i].Text)
			k2, _ := entryKey(again[i].Text)
			if k1 != k2 {
				t.Fatalf("key %q became %q", k1, k2)
			}
		}
	})
}
