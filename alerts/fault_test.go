package alerts

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// childEnv marks a test binary started by runChild; its value is the
// child's argument.
const childEnv = "IFW_ALERTS_TEST_CHILD"

// runChild runs test alone in a new process of this test binary, with arg
// in childEnv, as cred's user when cred is set.
func runChild(t *testing.T, test, arg string, cred *syscall.Credential) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if cred != nil { // the build directory is root's alone: copy the binary out
		exe = copyExecutable(t, exe)
	}
	cmd := exec.Command(exe, "-test.run=^"+test+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+arg)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyExecutable(t *testing.T, exe string) string {
	t.Helper()
	dir := worldDir(t)
	dst := filepath.Join(dir, "alerts.test")
	in, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// worldDir is a temporary directory other users can enter.
func worldDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ifw-alerts-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// mountTmpfs mounts a tmpfs of size on a new directory for the test.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	testenv.Root(t) // to mount a tmpfs
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0755", "tmpfs", dir).CombinedOutput(); err != nil {
		testenv.Missing(t, "mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, opts, err, out)
	}
}

// isFault checks err is a *StorageError of the fault sentinel want.
func isFault(t *testing.T, what string, err, want error) {
	t.Helper()
	var se *StorageError
	if !errors.Is(err, ErrStorage) || !errors.Is(err, want) || !errors.As(err, &se) {
		t.Errorf("%s: %v, want a storage error matching %v", what, err, want)
	}
}

// TestClosedStore: every call after Close fails with ErrClosed.
func TestClosedStore(t *testing.T) { testClosedStore(t, sqliteDriver) }

func testClosedStore(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	a := sample(t, "198.51.100.7", t0)
	if _, err := s.AddAlert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	calls := map[string]error{
		"AddAlert":   func() error { _, err := s.AddAlert(ctx, &a); return err }(),
		"AddOutcome": s.AddOutcome(ctx, a.ID, Outcome{Action: "notify"}),
		"PutState":   s.PutState(ctx, "k", []byte("v")),
		"State":      func() error { _, _, err := s.State(ctx, "k"); return err }(),
		"Alerts":     func() error { _, err := s.Alerts(ctx, Query{}); return err }(),
		"Latest":     func() error { _, _, err := s.Latest(ctx, a.Src); return err }(),
		"Counts":     func() error { _, err := s.Counts(ctx, time.Time{}); return err }(),
	}
	for name, err := range calls {
		isFault(t, name, err, ErrClosed)
	}
}

// TestReadOnlyConfig: a store opened read-only reads and refuses writes.
func TestReadOnlyConfig(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	s := openAt(t, Config{Path: path})
	addN(t, s, 5)
	ro := openAt(t, Config{Path: path, ReadOnly: true})
	if as, err := ro.Alerts(ctx, Query{}); err != nil || len(as) != 5 {
		t.Fatalf("read: %d %v", len(as), err)
	}
	a := sample(t, "198.51.100.7", t0)
	_, err := ro.AddAlert(ctx, &a)
	isFault(t, "AddAlert", err, ErrReadOnly)
	isFault(t, "PutState", ro.PutState(ctx, "k", nil), ErrReadOnly)
	_, err = Open(ctx, Config{Path: tempPath(t), ReadOnly: true}, nil)
	if !errors.Is(err, ErrStorage) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only open of a missing database: %v", err)
	}
}

// TestReadOnlyFile: a database file and directory the daemon cannot write
// (chmod 0444/0555) fail Open with ErrReadOnly and are left as they were.
// As root, which ignores modes, the check runs in a child as nobody.
func TestReadOnlyFile(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		checkReadOnlyFile(t, path)
		return
	}
	dir := worldDir(t)
	path := filepath.Join(dir, "ifw.db")
	s := openAt(t, Config{Path: path})
	addN(t, s, 5)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if err := errors.Join(os.Chmod(path, 0o444), os.Chmod(dir, 0o555)); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		checkReadOnlyFile(t, path)
	} else {
		out, err := runChild(t, "TestReadOnlyFile", path, &syscall.Credential{Uid: 65534, Gid: 65534})
		if err != nil || !strings.Contains(out, "--- PASS") {
			t.Fatalf("child as nobody: %v\n%s", err, out)
		}
		t.Logf("child as nobody:\n%s", out)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the read-only database changed")
	}
}

func checkReadOnlyFile(t *testing.T, path string) {
	_, err := Open(context.Background(), Config{Path: path}, nil)
	isFault(t, "Open", err, ErrReadOnly)
	t.Logf("Open: %v", err)
}

// TestReadOnlyMount: a database on a file system mounted read-only fails
// Open with ErrReadOnly; once writable again, everything is there.
func TestReadOnlyMount(t *testing.T) {
	dir := mountTmpfs(t, "4m")
	path := filepath.Join(dir, "ifw.db")
	s := openAt(t, Config{Path: path})
	addN(t, s, 5)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	remount(t, dir, "ro")
	_, err := Open(context.Background(), Config{Path: path}, nil)
	isFault(t, "Open", err, ErrReadOnly)
	t.Logf("Open: %v", err)
	remount(t, dir, "rw")
	s = openAt(t, Config{Path: path})
	if as, err := s.Alerts(context.Background(), Query{}); err != nil || len(as) != 5 {
		t.Errorf("after remount: %d alerts, %v", len(as), err)
	}
}
