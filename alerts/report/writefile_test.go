package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileCreatesDir: writing into a directory that does not exist
// yet (a fresh install's /var/lib/ifw/reports) creates it, 0750, and
// writes the report 0640, replacing an earlier one whole.
func TestWriteFileCreatesDir(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "lib", "ifw", "reports", "daily.html")
	for _, data := range []string{"first, and longer\n", "second\n"} {
		if err := WriteFile(out, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{filepath.Join(root, "lib"), 0o750 | os.ModeDir}, {filepath.Dir(out), 0o750 | os.ModeDir}, {out, 0o640}} {
		st, err := os.Lstat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != c.mode {
			t.Errorf("%s: mode %v, want %v", c.path, st.Mode(), c.mode)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "second\n" {
		t.Errorf("report: %q", b)
	}
	if files, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(files) != 0 {
		t.Errorf("temporary files left: %v", files)
	}
}

func TestWriteFileNotAName(t *testing.T) {
	for _, p := range []string{"/", "."} {
		if err := WriteFile(p, []byte("x")); err == nil || !strings.Contains(err.Error(), "not a file name") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestWriteFileLinks: a symbolic link on the way to the report is
// followed when root or the caller made it, refused when another user
// planted it (in a world-writable directory such as /tmp), and nothing is
// written then.
func TestWriteFileLinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a link to another user")
	}
	root := t.TempDir()
	shared, elsewhere := filepath.Join(root, "tmp"), filepath.Join(root, "elsewhere")
	for _, d := range []string{shared, elsewhere} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(shared, 0o1777); err != nil {
		t.Fatal(err)
	}
	mine, planted := filepath.Join(shared, "mine"), filepath.Join(shared, "planted")
	for _, l := range []string{mine, planted} {
		if err := os.Symlink(elsewhere, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Lchown(planted, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	data := []byte("report\n")
	if err := WriteFile(filepath.Join(planted, "reports", "r.txt"), data); !errors.Is(err, ErrUntrustedLink) ||
		!strings.Contains(err.Error(), "symbolic link owned by another user") {
		t.Errorf("planted link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "reports")); !os.IsNotExist(err) {
		t.Errorf("the planted link was followed: %v", err)
	}
	if err := WriteFile(filepath.Join(mine, "reports", "r.txt"), data); err != nil {
		t.Errorf("own link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "reports", "r.txt")); err != nil {
		t.Errorf("own link not followed: %v", err)
	}
	// the report file itself is never written through a link
	if err := os.Symlink(filepath.Join(elsewhere, "victim"), filepath.Join(elsewhere, "reports", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(elsewhere, "reports", "link.txt"), data); err != nil {
		t.Errorf("link as the report: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(elsewhere, "victim")); !os.IsNotExist(err) {
		t.Errorf("the report was written through a link: %v", err)
	}
}
