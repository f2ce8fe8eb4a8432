package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes r as one indented JSON object (snake_case keys; times in
// RFC 3339; lists never null; blocks, outbound and previous null when
// there is no such data). <, > and & in strings are written as \u escapes,
// so the output is safe to embed in a page.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}
