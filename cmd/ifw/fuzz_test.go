package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures"
)

// FuzzParseMatch: --match never panics; what it accepts filters.
func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{"src=198.51.100.0/24,port=22", "dst=2001:db8::1,proto=udp,sport=1-1024", "prefix=UFW,in=eth0", "port=5-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMatch(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--match") {
				t.Fatalf("%q: error without context: %v", s, err)
			}
			return
		}
		for _, r := range append(m.ports, m.sports...) {
			if r[0] > r[1] {
				t.Fatalf("%q: range %v", s, r)
			}
		}
	})
}

// FuzzConfig: no ifw.conf panics; every error names the file.
func FuzzConfig(f *testing.F) {
	if b, err := os.ReadFile("../../etc/ifw.conf"); err == nil {
		f.Add(string(b))
	}
	f.Add("[detect]\nscan_timeout = 1h\nbogus = 1\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "ifw.conf")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := loadConf(path)
		if err == nil {
			d := detectSettings{engine: signatures.DefaultConfig()}
			err = readDetect(c, &d)
		}
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
