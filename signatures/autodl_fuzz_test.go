package signatures

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseAutoDL: no input panics, and every entry read back is valid.
func FuzzParseAutoDL(f *testing.F) {
	if b, err := os.ReadFile("../etc/auto_dl"); err == nil {
		f.Add(string(b))
	}
	f.Add("198.51.100.7 5;\n203.0.113.0/24 0;\n198.51.100.9 3 tcp 22;\n2001:db8::/32 2 udp\n")
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ParseAutoDL(strings.NewReader(text), "fuzz")
		if err != nil {
			return
		}
		for _, e := range a.Entries() {
			if !e.Prefix.IsValid() || e.Level < 0 || e.Level > MaxLevel {
				t.Fatalf("%q: bad entry %+v", text, e)
			}
		}
	})
}
