package pgtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/test/testenv"
)

// TestServer starts a server, writes, stops and restarts it, and reads
// what was written.
func TestServer(t *testing.T) {
	s := Start(t)
	url := s.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec := func(sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (42)")
	s.Stop(t)
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	s.Start(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT v FROM t").Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart: %d, %v", v, err)
	}
}

// TestServerEndsWithTest: a test binary killed with SIGKILL (a timeout, a
// crash: no cleanup runs) leaves no PostgreSQL running.
func TestServerEndsWithTest(t *testing.T) {
	if os.Getenv("PGTEST_ORPHAN") == "1" {
		s := Start(t)
		fmt.Printf("postmaster %s %s\n", s.postmasterPID(t), s.dir)
		select {} // until killed
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestServerEndsWithTest$")
	cmd.Env = append(os.Environ(), "PGTEST_ORPHAN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(out)
	pid, dir := 0, ""
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "postmaster %d %s", &pid, &dir); err == nil {
			break
		}
	}
	defer func() { // the killed test could not remove its files
		if dir != "" {
			os.RemoveAll(dir)
		}
	}()
	if pid == 0 {
		cmd.Process.Kill()
		testenv.Missing(t, "the child test started no server (skipped there?)")
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for { // a pidfd is readable when its process has ended
		n, err := unix.Poll(fds, int((time.Minute).Milliseconds()))
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			syscall.Kill(pid, syscall.SIGQUIT)
			t.Fatalf("PostgreSQL (pid %d) outlived its killed test: %v", pid, err)
		}
		return
	}
}
