package config

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/ifw/ifw/signatures/rules"
)

// The signature files LoadLists reads may hold lines ifw cannot use: a
// payload rule is only counted, a bad line is named at its file:line,
// on a terminal (ifw analyze, ifw config check) or in the daemon's log.

// WarnSkipped writes a file:line warning for each bad line of s.
func WarnSkipped(w io.Writer, s *rules.Set) {
	for _, k := range s.Skipped() {
		if k.Kind == rules.SkipBad {
			fmt.Fprintf(w, "%s:%d: warning: rule skipped: %s\n", k.File, k.Line, k.Reason)
		}
	}
}

// LogSkipped logs a warning for each bad line of s.
func LogSkipped(log *slog.Logger, s *rules.Set) {
	for _, k := range s.Skipped() {
		if k.Kind == rules.SkipBad {
			log.Warn("signature rule skipped", "at", fmt.Sprintf("%s:%d", k.File, k.Line), "reason", k.Reason)
		}
	}
}
