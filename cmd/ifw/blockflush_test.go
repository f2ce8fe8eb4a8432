package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// runIn runs ifw with stdin, as a terminal or not.
func runIn(stdin string, tty bool, args ...string) (code int, stdout, stderr string) {
	var out, errb strings.Builder
	code = run(env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, stdinTTY: tty}, args)
	return code, out.String(), errb.String()
}

// TestBlockFlush: without --yes and without a terminal, flush refuses
// and lifts nothing; on a terminal it asks, and only "y" or "yes" lifts;
// --yes lifts without asking and says how many.
func TestBlockFlush(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c := control.NewClient(socket)
	blocks := func() int {
		l, err := c.Blocks(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	if _, err := c.Block(t.Context(), control.BlockRequest{Prefix: "198.51.100.7"}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runIn("y\n", false, "block", "flush", "--socket", socket)
	if code != exitFail || out != "" || errs != "ifw block flush: not confirmed: lift every active block (2 blocks)?; "+
		"stdin is not a terminal to ask, so say --yes to do it\n" || blocks() != 2 {
		t.Errorf("no terminal, no --yes: exit %d %q %q, %d blocks", code, out, errs, blocks())
	}
	for _, no := range []string{"\n", "n\n", "", "nope\n"} {
		code, out, errs := runIn(no, true, "block", "flush", "--socket", socket)
		if code != exitFail || out != "" || errs != "lift every active block (2 blocks)? [y/N] ifw block flush: not confirmed: nothing done\n" || blocks() != 2 {
			t.Errorf("answer %q: exit %d %q %q, %d blocks", no, code, out, errs, blocks())
		}
	}
	code, out, errs = runIn("Yes\n", true, "block", "flush", "--socket", socket)
	if code != exitOK || out != "lifted 2 blocks\n" || errs != "lift every active block (2 blocks)? [y/N] " || blocks() != 0 {
		t.Errorf("answer yes: exit %d %q %q, %d blocks", code, out, errs, blocks())
	}
	code, out, errs = runIn("", false, "block", "flush", "--yes", "--socket", socket)
	if code != exitOK || out != "lifted 0 blocks\n" || errs != "" {
		t.Errorf("--yes with nothing blocked: exit %d %q %q", code, out, errs)
	}
	if _, err := c.Block(t.Context(), control.BlockRequest{Prefix: "2001:db8::/64"}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runIn("", false, "block", "flush", "-y", "--json", "--socket", socket)
	var f control.Flushed
	if err := json.Unmarshal([]byte(out), &f); code != exitOK || err != nil || f.Count != 1 || len(f.Lifted) != 1 || f.Lifted[0].String() != "2001:db8::/64" {
		t.Errorf("--json: exit %d %q (%v)", code, out, err)
	}
}
