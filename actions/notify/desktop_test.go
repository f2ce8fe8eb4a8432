package notify

import (
	"os"
	"strings"
	"testing"
)

// TestDesktopFile checks the autostart file: it runs `ifw applet`, and its
// name is the desktop-entry hint of every bubble.
func TestDesktopFile(t *testing.T) {
	b, err := os.ReadFile("../../etc/" + desktopEntry + ".desktop")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "[Desktop Entry]" {
		t.Fatalf("first line %q", lines[0])
	}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("line %q is not key=value", l)
		}
		if _, dup := keys[k]; dup {
			t.Errorf("key %s twice", k)
		}
		keys[k] = v
	}
	want := map[string]string{"Type": "Application", "Exec": "ifw applet", "Terminal": "false", "NoDisplay": "true"}
	for k, v := range want {
		if keys[k] != v {
			t.Errorf("%s=%q, want %q", k, keys[k], v)
		}
	}
	if keys["Name"] == "" {
		t.Error("no Name")
	}
}
