package applet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/test/testenv"
)

// dunstrc keeps bubbles until closed and makes do_action (dunstctl
// action) press the bubble's "block" button, or a question's "allow_once",
// as a user would.
const dunstrc = `[global]
    monitor = 0
    follow = none
    width = 520
    height = 300
    origin = top-right
    offset = 20x40
    font = DejaVu Sans 11
    markup = full
    format = "<b>%s</b>\n%b"
    frame_width = 3
    frame_color = "#ff5555"
    padding = 10
    horizontal_padding = 12
    show_indicators = yes
    icon_position = off

[urgency_low]
    background = "#202020"
    foreground = "#ffffff"
    timeout = 0

[urgency_normal]
    background = "#202020"
    foreground = "#ffffff"
    timeout = 0

[urgency_critical]
    background = "#7a0000"
    foreground = "#ffffff"
    frame_color = "#ffcc00"
    timeout = 0

[ifw]
    appname = ifw
    action_name = block

[ifw-question]
    appname = ifw
    summary = "Outbound connection"
    action_name = allow_once
`

// TestDunstEndToEnd shows an alert through the real path (hub, event
// stream, applet, esiqveland/notify) on the real dunst under Xvfb, checks
// it with dunstctl, saves a screenshot, and presses Block through dunst.
func TestDunstEndToEnd(t *testing.T) {
	e, addr, display := startDunstEnv(t)
	if err := e.hub.Run(context.Background(), notifytest.HostileAlert(5)); err != nil {
		t.Fatal(err)
	}
	notifytest.WaitFor(t, "dunst to display the bubble", func() bool { return dunstctl(t, addr, "count", "displayed") == "1" })
	time.Sleep(300 * time.Millisecond) // let it draw
	shot := screenshot(t, display, "dunst-bubble.png")
	t.Logf("screenshot: %s", shot)

	// dunst's do_action presses "block" (dunstrc): a real click.
	dunstctl(t, addr, "action", "0")
	c := e.daemon.nextChoice(t)
	if c.Err != nil || c.Choice.Action != notify.ActionBlock || c.Choice.Alert.Src.String() != "203.0.113.7" {
		t.Fatalf("choice from dunst: %+v, want block of 203.0.113.7", c)
	}
	dunstctl(t, addr, "close-all")
	notifytest.WaitFor(t, "the bubble in dunst's history", func() bool { return len(dunstHistory(t, addr)) > 0 })
	h := dunstHistory(t, addr)[0]
	want := notify.BubbleFor(notifytest.HostileAlert(5))
	if h["summary"] != want.Summary || h["appname"] != "ifw" || h["category"] != "network.error" {
		t.Errorf("history entry %v, want summary %q from ifw in network.error", h, want.Summary)
	}
	if !strings.Contains(h["body"], "Intrusion detected from 203.0.113.7") || !strings.Contains(h["body"], "bold") {
		t.Errorf("history body %q", h["body"])
	}
}

// TestDunstQuestion: a question on the real dunst, answered with a real
// click (Allow once), then a second one retracted (answered elsewhere):
// dunst closes its bubble.
func TestDunstQuestion(t *testing.T) {
	e, addr, display := startDunstEnv(t)
	q := myQuestion(time.Now().Add(time.Minute))
	id, _ := e.hub.Ask(q)
	notifytest.WaitFor(t, "dunst to display the question", func() bool { return dunstctl(t, addr, "count", "displayed") == "1" })
	time.Sleep(300 * time.Millisecond) // let it draw
	t.Logf("screenshot: %s", screenshot(t, display, "dunst-question.png"))
	dunstctl(t, addr, "action", "0")
	c := e.daemon.nextChoice(t)
	if c.Err != nil || c.Req.EventID != id || c.Choice.Action != notify.ActionAllowOnce || c.Choice.Question == nil || c.Choice.Question.ID != q.ID {
		t.Fatalf("choice from dunst: %+v, want allow_once on event %d", c, id)
	}
	dunstctl(t, addr, "close-all")
	notifytest.WaitFor(t, "the first bubble gone", func() bool { return dunstctl(t, addr, "count", "displayed") == "0" })

	id, _ = e.hub.Ask(q)
	notifytest.WaitFor(t, "dunst to display the second question", func() bool { return dunstctl(t, addr, "count", "displayed") == "1" })
	e.hub.Retract(id)
	notifytest.WaitFor(t, "dunst to close the retracted bubble", func() bool { return dunstctl(t, addr, "count", "displayed") == "0" })
	h := dunstHistory(t, addr)
	want := notify.EscapeMarkup(notify.QuestionBubble(q).Body) // dunst reads markup
	if len(h) != 2 || h[0]["summary"] != "Outbound connection" || h[0]["body"] != want || h[0]["default_action_name"] != notify.ActionAllowOnce {
		t.Errorf("history %v, want two questions, the newest with the body %q", h, want)
	}
}

// startDunstEnv runs a private bus, Xvfb, dunst, a daemon and an applet.
func startDunstEnv(t *testing.T) (e *appletEnv, addr, display string) {
	t.Helper()
	return startDunstEnvConf(t, dunstrc)
}

// startDunstEnvConf is startDunstEnv with dunst's configuration rc.
func startDunstEnvConf(t *testing.T, rc string) (e *appletEnv, addr, display string) {
	t.Helper()
	testenv.Tool(t, "dbus-daemon", "Xvfb", "dunst", "dunstctl", "dbus-send", "busctl", "xwd")
	addr = privateBus(t)
	display = ":" + notifytest.Background(t, exec.Command("Xvfb", "-displayfd", "3", "-fp", "built-ins", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"))
	startDunst(t, addr, display, rc)
	return newAppletEnvOn(t, addr, nil), addr, display
}

// startDunst runs dunst on the display and the bus with the configuration
// rc, and waits until it owns the notification service.
func startDunst(t *testing.T, addr, display, rc string) {
	t.Helper()
	home := t.TempDir()
	conf := filepath.Join(home, "dunstrc")
	if err := os.WriteFile(conf, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dunst", "-config", conf)
	cmd.Env = []string{"DISPLAY=" + display, "DBUS_SESSION_BUS_ADDRESS=" + addr, "HOME=" + home,
		"XDG_CONFIG_HOME=" + home, "XDG_DATA_HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	out := notifytest.StartKilled(t, cmd)
	conn := notifytest.Connect(t, addr)
	notifytest.WaitFor(t, "dunst on the bus", func() bool {
		var owner string
		return conn.BusObject().Call(busName+".GetNameOwner", 0, notifyName).Store(&owner) == nil
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dunst output:\n%s", out)
		}
	})
}

// dunstctl runs dunstctl on the bus and returns its trimmed output.
func dunstctl(t *testing.T, addr string, args ...string) string {
	t.Helper()
	cmd := exec.Command("dunstctl", args...)
	cmd.Env = []string{"DBUS_SESSION_BUS_ADDRESS=" + addr, "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dunstctl %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// dunstHistory reads `dunstctl history` (busctl's JSON of an aa{sv}) into
// one map of string fields per notification.
func dunstHistory(t *testing.T, addr string) []map[string]string {
	t.Helper()
	var reply struct {
		Data [][]map[string]struct {
			Data any `json:"data"`
		} `json:"data"`
	}
	out := dunstctl(t, addr, "history")
	if err := json.Unmarshal([]byte(out), &reply); err != nil {
		t.Fatalf("dunstctl history: %v: %s", err, out)
	}
	var h []map[string]string
	for _, list := range reply.Data {
		for _, n := range list {
			m := map[string]string{}
			for k, v := range n {
				m[k] = fmt.Sprint(v.Data)
			}
			h = append(h, m)
		}
	}
	return h
}

// screenshot saves the display as the PNG name under $IFW_ARTIFACTS (or
// the test's temporary directory) and returns its path.
func screenshot(t *testing.T, display, name string) string {
	t.Helper()
	dir := os.Getenv("IFW_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := exec.Command("xwd", "-root", "-silent", "-display", display).Output()
	if err != nil {
		t.Fatalf("xwd: %v", err)
	}
	img, err := decodeXWD(raw)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
