package test

import (
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// require skips the test (or fails it under CI=true) unless it runs as root
// and every named command is installed.
func require(t *testing.T, cmds ...string) {
	t.Helper()
	testenv.Root(t)
	testenv.Tool(t, cmds...)
}
