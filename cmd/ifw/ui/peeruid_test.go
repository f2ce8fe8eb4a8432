package ui

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

func TestProcAddr(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the samples are of a little-endian machine")
	}
	for _, c := range []struct {
		a    string
		six  bool
		want string
	}{
		{"127.0.0.1:33728", false, "0100007F:83C0"},
		{"[::1]:8080", true, "00000000000000000000000001000000:1F90"},
		{"127.0.0.1:80", true, "0000000000000000FFFF00000100007F:0050"},
	} {
		if got := procAddr(netip.MustParseAddrPort(c.a), c.six); got != c.want {
			t.Errorf("%s: %s, want %s", c.a, got, c.want)
		}
	}
}

func TestFindUID(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:83C0 0100007F:818D 06 00000000:00000000 03:000001E4 00000000     0        0 0 3 0000000032fdac59
   1: 0100007F:83C0 0100007F:818D 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000
`
	if uid, err := findUID(strings.NewReader(table), "0100007F:83C0", "0100007F:818D"); err != nil || uid != 1000 {
		t.Errorf("established: %d %v (the TIME_WAIT line first must not count)", uid, err)
	}
	if _, err := findUID(strings.NewReader(table), "0100007F:83C1", "0100007F:818D"); err != errNoSocket {
		t.Errorf("absent: %v", err)
	}
	bad := "   1: 0100007F:83C0 0100007F:818D 01 00000000:00000000 00:00000000 00000000  x 0 1\n"
	if _, err := findUID(strings.NewReader(bad), "0100007F:83C0", "0100007F:818D"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad uid: %v", err)
	}
	long := strings.Repeat("x", maxProcLine+1) + "\n"
	if _, err := findUID(strings.NewReader(long), "a", "b"); err == nil {
		t.Error("an overlong line accepted")
	}
}

func FuzzLineUID(f *testing.F) {
	f.Add("   1: 0100007F:83C0 0100007F:818D 01 00000000:00000000 00:00000000 00000000  1000 0 1")
	f.Add("")
	f.Fuzz(func(t *testing.T, line string) {
		uid, ok, err := lineUID(line, "0100007F:83C0", "0100007F:818D")
		if err != nil && ok || !ok && uid != 0 {
			t.Fatalf("%q: %d %v %v", line, uid, ok, err)
		}
	})
}

// TestOtherUserRefused: another user's program reaching the ui's port
// (with the token it read in `ps`) is refused, and the token still works
// for the ui's own user.
func TestOtherUserRefused(t *testing.T) {
	testenv.Root(t) // to act as another user
	d := newFakeDaemon(t)
	u := startUI(t, d, 0)
	dir, err := os.MkdirTemp("", "ifw-ui-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	self := filepath.Join(dir, "ui.test")
	if b, err := os.ReadFile(os.Args[0]); err != nil || os.WriteFile(self, b, 0o755) != nil {
		t.Fatalf("copying the test binary: %v", err)
	}
	cmd := exec.Command(self, "-test.run=TestHelperGet")
	cmd.Env = append(os.Environ(), "IFW_HELPER_URL="+u.base+"/login?token="+u.token)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), "status 403") {
		t.Errorf("nobody was not refused: %v %s", err, out)
	}
	u.login() // the token was not used up
}

// TestHelperGet is run by TestOtherUserRefused as another user: it
// prints the status of a GET of $IFW_HELPER_URL.
func TestHelperGet(t *testing.T) {
	u := os.Getenv("IFW_HELPER_URL")
	if u == "" {
		t.Skip("helper process only")
	}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fmt.Printf("status %d\n", resp.StatusCode)
	if resp.StatusCode == http.StatusSeeOther {
		t.Error("logged in")
	}
}
