package program

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/program/programtest"
)

// TestRunsTheCheckedFile: the file replaced after the check is not the
// one that runs.
func TestRunsTheCheckedFile(t *testing.T) {
	dir := programtest.Dir(t)
	log := filepath.Join(dir, "log")
	prog := programtest.Write(t, dir, "p", "#!/bin/sh\necho good >> "+log+"\n")
	evil := programtest.Write(t, dir, "evil", "#!/bin/sh\necho EVIL >> "+log+"\n")
	exe, err := OpenTrusted(prog, prog)
	if err != nil {
		t.Fatal(err)
	}
	defer exe.Close()
	if err := os.Rename(evil, prog); err != nil {
		t.Fatal(err)
	}
	if err := (Command{Path: prog, Exe: exe}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(log); string(b) != "good\n" {
		t.Fatalf("ran %q; want the checked program", b)
	}
}

// TestCommand: argv, environment (only the one given), standard input and
// the working directory reach the program.
func TestCommand(t *testing.T) {
	dir := programtest.Dir(t)
	out := filepath.Join(dir, "out")
	prog := programtest.Write(t, dir, "p", "#!/bin/sh\n{ echo \"$0 $*\"; env | sort | grep -v '^PWD=\\|^SHLVL=\\|^_='; pwd; cat; } > "+out+"\n")
	c := Command{Path: prog, Args: []string{"name", "a b", "c"}, Env: []string{"PATH=" + DefaultPath, "X=1"}, Stdin: []byte("in\n")}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := prog + " a b c\nPATH=" + DefaultPath + "\nX=1\n/\nin\n"
	if b, _ := os.ReadFile(out); string(b) != want {
		t.Errorf("the program saw\n%s\nwant\n%s", b, want)
	}
}

func TestExitStatus(t *testing.T) {
	dir := programtest.Dir(t)
	for _, tc := range []struct {
		name, body string
		status     int
		stderr     string
	}{
		{"status and stderr", "#!/bin/sh\necho 'no display' >&2\necho 'try again' >&2\nexit 3\n", 3, "no display try again"},
		{"stderr bounded", "#!/bin/sh\nhead -c 10000 /dev/zero | tr '\\0' x >&2\nexit 1\n", 1, strings.Repeat("x", MaxStderr) + " … (5904 more bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := programtest.Write(t, dir, strings.ReplaceAll(tc.name, " ", "-"), tc.body)
			err := Command{Path: prog}.Run(context.Background())
			var re *RunError
			if !errors.As(err, &re) || re.Status != tc.status || re.Stderr != tc.stderr || re.Path != prog {
				t.Fatalf("err %v; want status %d, stderr %.40q", err, tc.status, tc.stderr)
			}
		})
	}
}

// TestTimeoutKillsGroup: when the context ends the program and its
// children die.
func TestTimeoutKillsGroup(t *testing.T) {
	dir := programtest.Dir(t)
	prog := programtest.Write(t, dir, "slow", "#!/bin/sh\nsleep 3600 &\necho $! > \"$1\"\necho started >&2\nwait\n")
	pidFile := filepath.Join(dir, "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := Command{Path: prog, Args: []string{prog, pidFile}}.Run(ctx)
	var re *RunError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &re) || re.Stderr != "started" || re.Status != -1 {
		t.Fatalf("err %v; want a *RunError for the deadline, with stderr", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(time.Minute) // a guard against a hang, not a speed limit
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the child sleep (pid %d) survived the timeout", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive: pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}
