package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// TestBlockAuto: `ifw block auto` shows the switch, `on`/`off` set it in
// the daemon, --json prints the API's object; another word is refused.
func TestBlockAuto(t *testing.T) {
	socket, b := controltest.Start(t, nil)
	code, out, errs := runIn("", false, "block", "auto", "--socket", socket)
	if code != 0 || out != "Automatic blocking: off (as configured)\n" || errs != "" {
		t.Errorf("show: %d %q %q", code, out, errs)
	}
	code, out, errs = runIn("", false, "block", "auto", "on", "--socket", socket)
	if code != 0 || !strings.HasPrefix(out, "Automatic blocking: on (set by ") || !strings.Contains(out, "ifw.conf says off") || errs != "" || !b.AutoOn() {
		t.Errorf("on: %d %q %q (daemon on: %v)", code, out, errs, b.AutoOn())
	}
	code, out, _ = runIn("", false, "block", "auto", "off", "--json", "--socket", socket)
	var a control.AutoBlock
	if err := json.Unmarshal([]byte(out), &a); code != 0 || err != nil || a.On || a.By == "" || b.AutoOn() {
		t.Errorf("off --json: %d %q %v", code, out, err)
	}
	code, _, errs = runIn("", false, "block", "auto", "maybe", "--socket", socket)
	if code != exitFail || !strings.Contains(errs, `"maybe": want on or off`) {
		t.Errorf("maybe: %d %q", code, errs)
	}
}
