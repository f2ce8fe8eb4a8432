package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestControlPeerCredentials: root is served; another user reaching the
// socket (here made world-writable on purpose) is refused by SO_PEERCRED.
func TestControlPeerCredentials(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root to act as another user")
	}
	dir, err := os.MkdirTemp("", "ifw-control-") // reachable by the other user
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "ifw.sock")
	s := newControlServer(path, "ifw-no-such-group", slog.New(slog.DiscardHandler))
	s.handle("GET /v1/ping", func(*http.Request) (any, error) { return map[string]string{"pong": "yes"}, nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	defer func() { cancel(); <-done }()
	waitSocket(t, path)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v without the group, want 0600", st.Mode().Perm())
	}
	var v map[string]string
	if _, err := controlGet(path, "/v1/ping", &v); err != nil || v["pong"] != "yes" {
		t.Fatalf("root: %v %v", err, v)
	}
	os.Chmod(path, 0o666)
	self := filepath.Join(dir, "client.test") // where the other user may run it
	if b, err := os.ReadFile(os.Args[0]); err != nil || os.WriteFile(self, b, 0o755) != nil {
		t.Fatalf("copying the test binary: %v", err)
	}
	cmd := exec.Command(self, "-test.run=TestHelperControlClient")
	cmd.Env = append(os.Environ(), "IFW_HELPER_SOCKET="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), "status 403") {
		t.Errorf("nobody was not refused: %v %s", err, out)
	}
}

// TestHelperControlClient is run by TestControlPeerCredentials as another
// user; it prints the status code it gets.
func TestHelperControlClient(t *testing.T) {
	path := os.Getenv("IFW_HELPER_SOCKET")
	if path == "" {
		t.Skip("helper process only")
	}
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return net.Dial("unix", path)
	}}}
	resp, err := c.Get("http://ifw/v1/ping")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("status", resp.StatusCode)
}

func waitSocket(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no socket at %s", path)
}

// TestControlSecondDaemon: a live socket is not taken over.
func TestControlSecondDaemon(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	if err := removeStaleSocket(path); err == nil || !strings.Contains(err.Error(), "another ifw daemon") {
		t.Errorf("err = %v", err)
	}
}
