package notify

import (
	"log/slog"
	"testing"
)

// allCaps are the capabilities of a full notification server.
var allCaps = []string{"actions", "body", "body-markup"}

// testLogger logs through t at debug level.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
