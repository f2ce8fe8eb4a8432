package notify

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain makes the test binary double as `ifw notify-once`, the
// fallback helper that TestFallbackRealHelper runs as another user.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "notify-once" {
		if err := RunNotifyOnce(context.Background(), os.Args[2:], os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
