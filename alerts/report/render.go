package report

import (
	"errors"
	"fmt"
	"io"
)

// ErrFormat is a format Render does not know.
var ErrFormat = errors.New("unknown format")

// Render writes r in format: "text", "markdown", "json" or "html".
func Render(w io.Writer, format string, r *Report) error {
	switch format {
	case "text":
		return Text(w, r)
	case "markdown":
		return Markdown(w, r)
	case "json":
		return JSON(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("%w %q: want text, markdown, json or html", ErrFormat, format)
}
