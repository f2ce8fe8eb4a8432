package whitelist

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

func TestAddDelRoundTrip(t *testing.T) {
	g := loadedGuard(t, Config{})
	orig := readFile(t, g.File())
	if err := os.Chmod(g.File(), 0o640); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		op, entry, comment string
		allowUnresolved    bool
		err                error
		wantTail           string // end of the file after the step
	}{
		{"add", "192.0.2.10", "office printer", false, nil, "gone.example\n192.0.2.10  # office printer\n"},
		{"add", "192.0.2.10/32", "", false, ErrExists, ""},
		{"add", "::ffff:192.0.2.10", "", false, ErrExists, ""},
		{"add", "nonexistent.invalid", "", false, ErrUnresolved, "gone.example\n192.0.2.10  # office printer\n"},
		{"add", "Backup.Example", "", true, nil, "192.0.2.10  # office printer\nBackup.Example\n"},
		{"add", "10.0.0.256", "", false, ErrSyntax, ""},
		{"add", "192.0.2.11", "two\nlines", false, ErrSyntax, ""},
		{"del", "192.0.2.99", "", false, ErrNotFound, ""},
		{"del", "not an entry", "", false, ErrSyntax, ""},
		{"del", "backup.example.", "", false, nil, "gone.example\n192.0.2.10  # office printer\n"},
		{"del", "192.0.2.10/32", "", false, nil, orig},
	}
	for _, s := range steps {
		var err error
		if s.op == "add" {
			_, err = g.AddEntry(s.entry, s.comment, s.allowUnresolved)
		} else {
			err = g.Del(s.entry)
		}
		if !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Fatalf("%s %q = %v, want %v", s.op, s.entry, err, s.err)
		}
		got := readFile(t, g.File())
		if s.wantTail != "" && (len(got) < len(s.wantTail) || got[len(got)-len(s.wantTail):] != s.wantTail) {
			t.Fatalf("%s %q: file ends\n%s\nwant\n%s", s.op, s.entry, got, s.wantTail)
		}
	}
	if got := readFile(t, g.File()); got != orig {
		t.Errorf("after add and del the file is\n%s\nwant\n%s", got, orig)
	}
	if fi, err := os.Stat(g.File()); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode not kept: %v %v", fi.Mode(), err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(g.File()), ".whitelist.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestAddTakesEffect(t *testing.T) {
	g := loadedGuard(t, Config{})
	p := netip.MustParsePrefix("192.0.2.10/32")
	if why(t, g, p, true) != 0 {
		t.Fatal("192.0.2.10 protected before Add")
	}
	if err := g.Add("192.0.2.0/28", "lab"); err != nil {
		t.Fatal(err)
	}
	if why(t, g, p, true) != ReasonWhitelist {
		t.Error("Add did not reload")
	}
	if err := g.Del("192.0.2.0/28"); err != nil {
		t.Fatal(err)
	}
	if why(t, g, p, true) != 0 {
		t.Error("Del did not reload")
	}
}

func TestAddCreatesFileAndFollowsSymlink(t *testing.T) {
	g := testGuard(t, Config{}, "", nil, nil)
	dir := filepath.Dir(g.File())
	if err := g.Add("192.0.2.1", ""); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, g.File()); got != "192.0.2.1\n" {
		t.Errorf("new file = %q", got)
	}
	target := filepath.Join(dir, "real-whitelist")
	if err := os.Rename(g.File(), target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, g.File()); err != nil {
		t.Fatal(err)
	}
	if err := g.Add("192.0.2.2", ""); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(g.File()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced")
	}
	if got := readFile(t, target); got != "192.0.2.1\n192.0.2.2\n" {
		t.Errorf("target = %q", got)
	}
}

func TestEditRefusesBrokenFile(t *testing.T) {
	g := testGuard(t, Config{}, "10.0.0.1\nnot valid\n", nil, nil)
	for _, err := range []error{g.Add("192.0.2.1", ""), g.Del("10.0.0.1")} {
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("edit of a broken file = %v, want ErrSyntax", err)
		}
	}
	if got := readFile(t, g.File()); got != "10.0.0.1\nnot valid\n" {
		t.Errorf("broken file changed: %q", got)
	}
	_ = g.Load(context.Background())
}
