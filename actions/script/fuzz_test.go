package script

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSplit: Split never panics; the words it returns, quoted back
// (quote), split to the same words; a line without quoting or shell
// syntax splits like strings.Fields on blanks.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"", "a b", `'a b' "c d" e\ f`, `""`, "a\\\nb", `"a\"b\\c\$d"`, `x | y`, "$(id)", "#c",
		`DISPLAY=:0.0 XAUTHORITY=/home/USER/.Xauthority notify-send -t 0 -i ICON -c network "Firewall Alert" "Intrusion detected from SRCIP"`,
		"'", `"`, `\`, "a\x00", "Ω \xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := Split(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			if strings.IndexByte(w, 0) >= 0 {
				t.Fatalf("%q: word %q holds a NUL", line, w)
			}
			quoted[i] = quote(w)
		}
		again, err := Split(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("%q: words %q, quoted %q, split again %q (%v)", line, words, quoted, again, err)
		}
		if !strings.ContainsAny(line, `'"\`+shellOnly+"#") {
			fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
			if !slices.Equal(words, fields) && !(len(words) == 0 && len(fields) == 0) {
				t.Fatalf("%q: words %q, fields %q", line, words, fields)
			}
		}
	})
}

// quote is w in single quotes, as a shell writes it.
func quote(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
