package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestWriteWhitelistLabels: an entry that guards only against untrusted
// evidence (the host's own network) is not listed under "Never blocked".
func TestWriteWhitelistLabels(t *testing.T) {
	var wl control.Whitelist
	raw := `{"file":"/etc/ifw/whitelist","entries":[{"text":"backup.example","prefixes":[],"line":1,"host":true,"error":"no such host"}],
		"protected":[{"prefix":"192.0.2.1/32","why":"gateway","source":"route"},
		{"prefix":"203.0.113.0/24","why":"own network","source":"eth0","untrusted_only":true}]}`
	if err := json.Unmarshal([]byte(raw), &wl); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeWhitelist(&b, &wl)
	out := b.String()
	never, untrusted, ok := strings.Cut(out, "untrusted evidence only")
	if !ok || !strings.Contains(never, "Never blocked") {
		t.Fatalf("no part for untrusted evidence:\n%s", out)
	}
	if strings.Contains(never, "203.0.113.0/24") || !strings.Contains(untrusted, "203.0.113.0/24") {
		t.Errorf("the own network is listed as never blocked:\n%s", out)
	}
	if !strings.Contains(never, "192.0.2.1/32") || strings.Contains(untrusted, "192.0.2.1/32") {
		t.Errorf("the gateway is not listed as never blocked:\n%s", out)
	}
	if !strings.Contains(out, "does not resolve: no such host") {
		t.Errorf("an unresolved host name is not marked:\n%s", out)
	}
}
