package main

import (
	"encoding/json"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// TestBlockListJSONHostScope: the entries of block list --json (and the
// block of block add --json) carry the host that decided the block and its
// scope, "host" for a block of the host's own store.
func TestBlockListJSONHostScope(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	code, out, errs := runArgs("block", "add", "198.51.100.7", "--for", "1h", "--json", "--socket", socket)
	var added map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &added) != nil || added["scope"] != "host" {
		t.Fatalf("block add --json: exit %d %q %q", code, out, errs)
	}
	if _, ok := added["host"]; !ok {
		t.Errorf("block add --json without host: %s", out)
	}
	code, out, errs = runArgs("block", "list", "--json", "--socket", socket)
	var list []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) == 0 {
		t.Fatalf("block list --json: exit %d %q %q", code, out, errs)
	}
	for _, b := range list {
		if _, ok := b["host"]; !ok || b["scope"] != "host" {
			t.Errorf("block list --json entry %v", b)
		}
	}
}
