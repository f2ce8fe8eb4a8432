package psadconf

import (
	"errors"
	"strings"
	"testing"

	"github.com/ifw/ifw/etc"
)

func TestParse(t *testing.T) {
	c, err := Parse(strings.NewReader("# comment\n\nA   one two;  ### trailing\nB\t$A/x;\nC $B $;\nFW_MSG_SEARCH DROP;\nFW_MSG_SEARCH REJECT;\n"), "p.conf")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"A": "one two", "B": "one two/x", "C": "one two/x $", "FW_MSG_SEARCH": "REJECT"} {
		if got, _ := c.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := c.All("FW_MSG_SEARCH"); strings.Join(got, ",") != "DROP,REJECT" {
		t.Errorf("All = %q", got)
	}
	if _, ok := c.Get("D"); ok {
		t.Error("D found")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"A 1;\nB 2\n", "p.conf:2: B: the value does not end with ';'"},
		{"A;\n", "p.conf:1: \"A;\" is not a psad key"},
		{"A ;\n", "p.conf:1: A: no value"},
		{"A-B 1;\n", "p.conf:1: \"A-B\" is not a psad key"},
		{"A 1;\nB $C;\n", "p.conf:2: B: $C: no such key"},
		{"A $B;\nB $A;\n", "p.conf:1: A: $ variables nest too deep"},
		{"A \x01;\n", "p.conf:1: control character"},
		{"A 1;\n" + strings.Repeat("x", MaxLine+1) + "\n", "p.conf:2: line longer than"},
	} {
		_, err := Parse(strings.NewReader(tt.in), "p.conf")
		var ce *etc.ConfigError
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Parse(%.30q) = %v, want %q…", tt.in, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("A 1;\nB $A;\n# c\n")
	f.Add("A $B;\nB $A;\n")
	f.Add("A $A$A$A$A;\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(strings.NewReader(in), "f")
		if err != nil {
			var ce *etc.ConfigError
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, e := range c.Entries {
			if len(e.Value) > MaxLine || e.Line < 1 {
				t.Fatalf("entry %+v", e)
			}
		}
		Translate(c, t.TempDir())
	})
}
