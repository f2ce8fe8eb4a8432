package report

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestRender: each format name gives its renderer's bytes; another name
// is ErrFormat, naming the formats there are.
func TestRender(t *testing.T) {
	r := fixtureReport(t)
	for name, f := range map[string]func(io.Writer, *Report) error{"text": Text, "markdown": Markdown, "json": JSON, "html": HTML} {
		var got bytes.Buffer
		if err := Render(&got, name, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := render(t, r, f); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: Render differs from its renderer", name)
		}
	}
	err := Render(io.Discard, "pdf", r)
	if !errors.Is(err, ErrFormat) || err.Error() != `unknown format "pdf": want text, markdown, json or html` {
		t.Errorf("pdf: %v", err)
	}
}
