package firewall

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseListing: the iptables -S reader never panics, and a rule it
// reads (without quotes or backslashes) prints back (saveJoin) to the same arguments.
func FuzzParseListing(f *testing.F) {
	for _, s := range []string{
		"-P INPUT DROP\n-N IFW-LOG\n" + `-A IFW-LOG -m comment --comment ifw -j LOG --log-prefix "ifw " --log-tcp-sequence` + "\n",
		"# Warning: iptables-legacy tables present\n-A INPUT -j DROP\n",
		`-A X --comment "a \"b\" \\c"`, `-A X "`, "-A\n", "-P A\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := parseListing(data)
		if err != nil {
			return
		}
		for _, r := range tb.rules {
			if strings.ContainsAny(strings.Join(r.spec, ""), `"\`) {
				continue
			}
			again, err := splitSave(saveJoin(r.spec))
			if err != nil || !slices.Equal(again, r.spec) && !(len(again) == 0 && len(r.spec) == 0) {
				t.Fatalf("%q: read %q, printed and read again %q (%v)", r.line, r.spec, again, err)
			}
		}
	})
}
