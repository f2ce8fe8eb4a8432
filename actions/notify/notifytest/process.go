package notifytest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Output is what a started program wrote, kept in a file of the test.
type Output struct{ path string }

// maxOutput bounds what Output.String reads.
const maxOutput = 8 << 10

// String is the first 8 KiB of the output.
func (o *Output) String() string {
	f, err := os.Open(o.path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxOutput))
	return string(b)
}

// StartKilled starts cmd, its output kept in the returned Output, and
// kills it by pid when the test ends.
func StartKilled(t testing.TB, cmd *exec.Cmd) *Output {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "output-")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the child has its own copy
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return &Output{path: f.Name()}
}

// Background starts cmd (killed with the test) and returns the first line
// it writes on its fd 3: an address, a display number.
func Background(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.ExtraFiles = []*os.File{w}
	out := StartKilled(t, cmd)
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if s == "" {
			t.Fatalf("%s printed nothing on fd 3: %s", filepath.Base(cmd.Path), out)
		}
		return s
	case <-time.After(time.Minute):
		t.Fatalf("%s did not start: %s", filepath.Base(cmd.Path), out)
	}
	return ""
}
