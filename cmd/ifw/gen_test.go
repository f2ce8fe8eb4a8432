package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/gen/man"
)

// TestVersion: `ifw --version`, `ifw -v` and `ifw version` say the same
// line: version, commit, date.
func TestVersion(t *testing.T) {
	var first string
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		code, out, errs := runArgs(args...)
		if code != exitOK || !strings.HasPrefix(out, "ifw ") || !strings.Contains(out, "(commit ") || errs != "" {
			t.Errorf("ifw %s: exit %d %q %q", args[0], code, out, errs)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("ifw %s says %q, ifw --version %q", args[0], out, first)
		}
	}
}

// TestBuildInfo: -ldflags values win over Go's build info, which fills
// the rest.

// TestCompletionScripts: `ifw gen-completion DIR` writes the bash, zsh
// and fish scripts (what make completion installs); the bash one loads
// and registers ifw, and is what `ifw completion bash` prints.
func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := runArgs("gen-completion", dir); code != exitOK {
		t.Fatalf("gen-completion: exit %d %s%s", code, out, errs)
	}
	for _, name := range []string{"ifw.bash", "_ifw", "ifw.fish"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.Contains(string(b), "__complete") {
			t.Errorf("%s: %v, or not a completion script of ifw's:\n%.300s", name, err, b)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash: ", err)
	}
	out, err := exec.Command(bash, "-c", `source "$1" && complete -p ifw`, "bash", filepath.Join(dir, "ifw.bash")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " ifw") {
		t.Errorf("the bash script does not load: %v\n%s", err, out)
	}
	code, printed, _ := runArgs("completion", "bash")
	file, _ := os.ReadFile(filepath.Join(dir, "ifw.bash"))
	if code != exitOK || printed != string(file) {
		t.Errorf("ifw completion bash (exit %d) differs from the generated file", code)
	}
}

// TestManPages: the man page generator (`ifw gen-man DIR` in a binary
// built with the manpages tag) writes ifw.8 and one page per command a
// user can name (not help, not the hidden generators).
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := man.Write(newRootCmd(env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}), dir); err != nil {
		t.Fatal("man pages: ", err)
	}
	want := map[string]bool{}
	for _, path := range commandPaths(t) {
		if len(path) > 0 && (path[0] == "help" || path[0] == "gen-man" || path[0] == "gen-completion") {
			continue
		}
		want[strings.Join(append([]string{"ifw"}, path...), "-")+".8"] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("unexpected man page %s", e.Name())
		}
		delete(want, e.Name())
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if !strings.HasPrefix(string(b), ".nh\n.TH \"IFW\" \"8\"") {
			t.Errorf("%s is not a man page of section 8:\n%.200s", e.Name(), b)
		}
	}
	for name := range want {
		t.Errorf("no man page %s", name)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ifw-block-add.8")); !strings.Contains(string(b), "ADDR|CIDR") || !strings.Contains(string(b), "--for") {
		t.Errorf("ifw-block-add.8 lacks the usage or the flags:\n%s", b)
	}
}

// TestNoManRendererLinked: ifw as built without the manpages tag does not
// link the man page generator's Markdown renderer, whose package
// initialisation every start of every command would pay.
func TestNoManRendererLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skip("go list: ", err)
	}
	for _, pkg := range []string{"github.com/russross/blackfriday/v2", "github.com/spf13/cobra/doc"} {
		if strings.Contains(string(out), pkg+"\n") {
			t.Errorf("ifw links %s", pkg)
		}
	}
}
