package notify_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/test/testenv"
)

// recordingRunner is a fake exec boundary: it records the commands.
type recordingRunner struct{ got []notify.Command }

func (r *recordingRunner) Run(_ context.Context, c notify.Command) error {
	r.got = append(r.got, c)
	return nil
}

// makeSocket leaves a unix socket file at path.
func makeSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
}

// userDir makes dir/UID owned by uid, with "bus" of the given kind owned
// by busOwner.
func userDir(t *testing.T, dir string, uid int, kind string, busOwner int) {
	t.Helper()
	d := filepath.Join(dir, strconv.Itoa(uid))
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	bus := filepath.Join(d, "bus")
	switch kind {
	case "socket":
		makeSocket(t, bus)
	case "file":
		if err := os.WriteFile(bus, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	case "symlink":
		if err := os.Symlink(filepath.Join(dir, "65534", "bus"), bus); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(d, uid, uid); err != nil {
		t.Fatal(err)
	}
	if kind != "none" {
		if err := os.Lchown(bus, busOwner, busOwner); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFallbackCommands(t *testing.T) {
	testenv.Root(t)
	dir := t.TempDir()
	layout := []struct {
		uid      int
		kind     string
		busOwner int
	}{
		{65534, "socket", 65534}, // nobody: a session
		{0, "socket", 0},         // below MinUID
		{1001, "none", 0},        // no bus
		{4242, "socket", 0},      // someone else's socket
		{4343, "file", 4343},     // not a socket
		{4444, "symlink", 4444},  // a link to another user's socket
		{65533, "socket", 65533}, // no such user
	}
	for _, l := range layout {
		userDir(t, dir, l.uid, l.kind, l.busOwner)
	}
	if err := os.Mkdir(filepath.Join(dir, "abc"), 0o700); err != nil {
		t.Fatal(err)
	}
	run := &recordingRunner{}
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{Command: []string{"/usr/bin/ifw", "notify-once"}, RuntimeDir: dir, Runner: run}, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	b := notify.Bubble{Summary: "Firewall alert: danger level 4", Body: "Intrusion detected from 203.0.113.7\n$(reboot); `id`", Urgency: notify.UrgencyCritical}
	if err := fb.Notify(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(run.got) != 1 {
		t.Fatalf("%d helper runs, want 1 (nobody's): %+v", len(run.got), run.got)
	}
	c := run.got[0]
	bus := filepath.Join(dir, "65534", "bus")
	want := notify.Command{
		Path: "/usr/bin/ifw",
		Args: []string{"notify-once", "--bus=" + notify.BusAddress(bus), "--summary=" + b.Summary, "--body=" + b.Body, "--urgency=critical"},
		Env: []string{"DBUS_SESSION_BUS_ADDRESS=" + notify.BusAddress(bus), "XDG_RUNTIME_DIR=" + filepath.Dir(bus),
			"HOME=/nonexistent", "USER=nobody", "LOGNAME=nobody", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"},
		Dir:        "/",
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{65534}},
	}
	if c.Path != want.Path || c.Dir != want.Dir || !slices.Equal(c.Args, want.Args) {
		t.Errorf("command %q %q in %s, want %q %q in %s", c.Path, c.Args, c.Dir, want.Path, want.Args, want.Dir)
	}
	if !slices.Equal(c.Env, want.Env) {
		t.Errorf("env %q, want %q", c.Env, want.Env)
	}
	if c.Credential == nil || c.Credential.Uid != 65534 || c.Credential.Gid != 65534 || !slices.Equal(c.Credential.Groups, want.Credential.Groups) {
		t.Errorf("credential %+v, want %+v", c.Credential, want.Credential)
	}
}

func TestFallbackWithoutSessions(t *testing.T) {
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{Command: []string{"/usr/bin/ifw"}, RuntimeDir: t.TempDir(), Runner: &recordingRunner{}}, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := fb.Notify(context.Background(), notify.Bubble{Summary: "x"}); err != notify.ErrNoSession {
		t.Fatalf("Notify: %v, want ErrNoSession", err)
	}
}

func TestBusAddress(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/run/user/1000/bus", "unix:path=/run/user/1000/bus"},
		{"/tmp/a,b=c;d e", "unix:path=/tmp/a%2cb%3dc%3bd%20e"},
		{"/tmp/é", "unix:path=/tmp/%c3%a9"},
	}
	for _, tt := range tests {
		if got := notify.BusAddress(tt.path); got != tt.want {
			t.Errorf("BusAddress(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestRunNotifyOnceUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no summary", []string{"--body=x"}, "--summary is required"},
		{"bad urgency", []string{"--summary=s", "--urgency=panic"}, "not low, normal or critical"},
		{"extra argument", []string{"--summary=s", "extra"}, "unexpected argument"},
		{"unknown flag", []string{"--summary=s", "--shell=rm"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.RunNotifyOnce(context.Background(), tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RunNotifyOnce(%q): %v, want %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestFallbackRealHelper runs the whole fallback for real: a session bus
// owned by nobody, the helper (this test binary, see TestMain) started as
// nobody by the root "daemon", the bubble arriving from nobody's
// connection.
func TestFallbackRealHelper(t *testing.T) {
	testenv.Root(t)
	testenv.Tool(t, "dbus-daemon")
	base, err := os.MkdirTemp("", "ifw-fallback-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	runtime := filepath.Join(base, "user")
	udir := filepath.Join(runtime, "65534")
	if err := os.MkdirAll(udir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(udir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	addr := notifytest.StartBus(t, udir, true, &syscall.Credential{Uid: 65534, Gid: 65534})
	server := notifytest.StartFakeServer(t, addr, notifytest.AllCaps...)
	helper := copyExecutable(t, filepath.Join(base, "ifw"))
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{Command: []string{helper, "notify-once"}, RuntimeDir: runtime}, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	hub, err := notify.NewHub(notify.Config{Fallback: fb}, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	if err := hub.Run(context.Background(), notifytest.HostileAlert(5)); err != nil {
		t.Fatal(err)
	}
	c := server.Next(t)
	if c.SenderUID != 65534 {
		t.Errorf("bubble sent by uid %d, want 65534 (nobody)", c.SenderUID)
	}
	b := notify.BubbleFor(notifytest.HostileAlert(5))
	if c.Summary != b.Summary || c.Body != notify.EscapeMarkup(b.Body) || len(c.Actions) != 0 {
		t.Errorf("bubble %q / %q / %q, want %q / %q without actions", c.Summary, c.Body, c.Actions, b.Summary, notify.EscapeMarkup(b.Body))
	}
	notifytest.CheckHints(t, c, 2)
}

// copyExecutable copies this test binary where another user can run it.
func copyExecutable(t *testing.T, dst string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}
