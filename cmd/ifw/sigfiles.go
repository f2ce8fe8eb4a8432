package main

import (
	"fmt"
	"io"

	"github.com/ifw/ifw/signatures/rules"
)

// warnSkipped writes a file:line warning for each bad line of s.
func warnSkipped(w io.Writer, s *rules.Set) {
	for _, k := range s.Skipped() {
		if k.Kind == rules.SkipBad {
			fmt.Fprintf(w, "%s:%d: warning: rule skipped: %s\n", k.File, k.Line, k.Reason)
		}
	}
}
