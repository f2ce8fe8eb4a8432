package layers

import (
	"bytes"
	"debug/elf"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltBinaryIsStatic: `make build` links ifw statically (no cgo): it
// starts without the dynamic loader and libc.
func TestBuiltBinaryIsStatic(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	bin := filepath.Join(t.TempDir(), "ifw")
	cmd := exec.Command("make", "-s", "-C", "../..", "build", "BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v segment: it is linked dynamically", p.Type)
		}
	}
}

// TestUserLookupsThroughUserdb: only sources/userdb uses os/user, whose
// lookups in a cgo-free build miss the users and groups only NSS knows
// (LDAP, SSSD, systemd's): the rest of ifw asks sources/userdb, which asks
// getent for those.
func TestUserLookupsThroughUserdb(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		rel := relative(f[0])
		if rel == "sources/userdb" || strings.HasPrefix(rel, "test/") || strings.HasSuffix(rel, "test") {
			continue // tests look up their own users
		}
		for _, imp := range f[1:] {
			if imp == "os/user" {
				t.Errorf("%s imports os/user: look users and groups up with sources/userdb", rel)
			}
		}
	}
}
