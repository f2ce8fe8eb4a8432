package script

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"", nil},
		{" \t\n ", nil},
		{"a b  c", []string{"a", "b", "c"}},
		{"a\tb\nc ", []string{"a", "b", "c"}},
		{`'a b' "c d"`, []string{"a b", "c d"}},
		{`a'b'"c"d`, []string{"abcd"}},
		{`""`, []string{""}},
		{`'' x ""`, []string{"", "x", ""}},
		{`a\ b`, []string{"a b"}},
		{`"a\"b" "a\\b" "a\$b" "a\` + "`" + `b"`, []string{`a"b`, `a\b`, `a$b`, "a`b"}},
		{`"a\nb" 'a\b' a\\b`, []string{`a\nb`, `a\b`, `a\b`}},
		{"a\\\nb \"x\\\ny\"", []string{"ab", "xy"}},
		{`"it's" 'say "hi"'`, []string{"it's", `say "hi"`}},
		{`'$(id)' '` + "`id`" + `' '; rm -rf /' \$HOME \| \;`, []string{"$(id)", "`id`", "; rm -rf /", "$HOME", "|", ";"}},
		{`ab#c "#x" \#y`, []string{"ab#c", "#x", "#y"}},
		{"Ω é\\Ω 'ü'", []string{"Ω", "éΩ", "ü"}},
		{`DISPLAY=:0.0 XAUTHORITY=/home/USER/.Xauthority notify-send -t 0 -i ICON -c network "Firewall Alert" "Intrusion detected from SRCIP"`,
			[]string{"DISPLAY=:0.0", "XAUTHORITY=/home/USER/.Xauthority", "notify-send", "-t", "0", "-i", "ICON", "-c", "network",
				"Firewall Alert", "Intrusion detected from SRCIP"}},
	} {
		got, err := Split(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
			continue
		}
		if sh := shellWords(t, tc.line); sh != nil && !slices.Equal(got, sh) {
			t.Errorf("Split(%q) = %q; /bin/sh says %q", tc.line, got, sh)
		}
	}
}

// shellWords is what /bin/sh (globs off) makes of line's words, or nil
// without a shell, without words, or with a newline that is not a
// continuation (a shell ends the command there; Split takes it as a blank).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	if strings.TrimSpace(line) == "" || strings.Count(line, "\n") != strings.Count(line, "\\\n") {
		return nil
	}
	if _, err := exec.LookPath("sh"); err != nil {
		return nil
	}
	out, err := exec.Command("sh", "-fc", `printf '%s\0' `+line).Output()
	if err != nil {
		t.Fatalf("sh: %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestSplitRefuses(t *testing.T) {
	for _, tc := range []struct {
		line   string
		offset int
	}{
		{"a | b", 2}, {"a;b", 1}, {"a & b", 2}, {"a > f", 2}, {"a < f", 2}, {"(x)", 0},
		{"echo $(id)", 5}, {"echo `id`", 5}, {`echo "$HOME"`, 6}, {"echo \"`id`\"", 6}, {"$X", 0},
		{"'unterminated", 0}, {`a "unterminated`, 2}, {`trail\`, 5}, {"#comment", 0}, {"a #comment", 2},
		{"a\x00b", 1}, {"\"a\x00\"", 2},
	} {
		_, err := Split(tc.line)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset != tc.offset {
			t.Errorf("Split(%q): %v; want a *SyntaxError at %d", tc.line, err, tc.offset)
		}
	}
}
