package test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ifwBin is the ifw binary the system tests run, built once.
var ifwBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ifw-systest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ifwBin = filepath.Join(dir, "ifw")
	if out, err := exec.Command("go", "build", "-o", ifwBin, "../cmd/ifw").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building ifw: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
