package termsafe

import (
	"bytes"
	"fmt"
	"testing"
)

func TestWriterKeepsLayout(t *testing.T) {
	var out bytes.Buffer
	w := Writer{&out}
	fmt.Fprintf(w, "a\tb\nc é ü\n")
	if out.String() != "a\tb\nc é ü\n" {
		t.Errorf("plain text changed: %q", out.String())
	}
}

// TestWriterEscapes: C0 and C1 controls, DEL, the direction overrides and
// invalid UTF-8 are shown escaped; newlines and tabs stay.
func TestWriterEscapes(t *testing.T) {
	var out bytes.Buffer
	in := "x\r\x1b[2K\x7f\u0085\u202e\u2066\xff\ty\n"
	n, err := Writer{&out}.Write([]byte(in))
	if err != nil || n != len(in) {
		t.Fatalf("Write = %d, %v; want %d", n, err, len(in))
	}
	if want := `x\x0d\x1b[2K\x7f\u0085\u202e\u2066\ufffd` + "\ty\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestField: inside a line, newlines and tabs are escaped too, so a
// field cannot start a row of its own.
func TestField(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/apt-get":   "/usr/bin/apt-get",
		"/tmp/y\n   8  root": `/tmp/y\x0a   8  root`,
		"a\tb":               `a\x09b`,
		"é ü — ok":           "é ü — ok",
		"evil\u202ecod.exe":  `evil\u202ecod.exe`,
		"\u2069end\u0080":    `\u2069end\u0080`,
	} {
		if got := Field(in); got != want {
			t.Errorf("Field(%q) = %q, want %q", in, got, want)
		}
	}
}
