package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	notifyName = "org.freedesktop.Notifications"
	notifyPath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

// bubbleServer is a fake notification server on a private bus: it records
// bubbles and clicks their buttons as a user would.
type bubbleServer struct {
	conn    *dbus.Conn
	mu      sync.Mutex
	bubbles []bubble
}

type bubble struct {
	id      uint32
	summary string
	body    string
	actions []string
}

type bubbleIface struct{ s *bubbleServer }

func (b bubbleIface) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body", "body-markup"}, nil
}

func (b bubbleIface) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "ifw system tests", "1.0", "1.2", nil
}

func (b bubbleIface) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	if i := int(replaces) - 1; i >= 0 && i < len(b.s.bubbles) { // the spec: replaced in place, same id
		b.s.bubbles[i] = bubble{id: replaces, summary: summary, body: body, actions: actions}
		return replaces, nil
	}
	id := uint32(len(b.s.bubbles) + 1)
	b.s.bubbles = append(b.s.bubbles, bubble{id: id, summary: summary, body: body, actions: actions})
	return id, nil
}

func (b bubbleIface) CloseNotification(id uint32) *dbus.Error { return nil }

// startBubbleServer runs a private dbus-daemon in dir and the fake server
// on it; it returns the server and the bus address.
func startBubbleServer(t *testing.T, dir string) (*bubbleServer, string) {
	t.Helper()
	require(t, "dbus-daemon")
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=`+sock+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`), 0o644)
	background(t, "dbus-daemon", exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile"))
	addr := "unix:path=" + sock
	waitFor(t, "the private bus", time.Minute, func() bool { _, err := os.Stat(sock); return err == nil })
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &bubbleServer{conn: conn}
	if err := conn.Export(bubbleIface{s}, notifyPath, notifyName); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(notifyName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", reply, err)
	}
	return s, addr
}

// waitBubble waits for a bubble about src and returns it.
func (s *bubbleServer) waitBubble(t *testing.T, src string) bubble {
	t.Helper()
	var found bubble
	waitFor(t, "a bubble about "+src, time.Minute, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, b := range s.bubbles {
			if strings.Contains(b.body, src) {
				found = b
				return true
			}
		}
		return false
	})
	return found
}

// click presses a bubble's button, as the notification server reports it.
func (s *bubbleServer) click(t *testing.T, b bubble, action string) {
	t.Helper()
	if !slices.Contains(b.actions, action) {
		t.Fatalf("bubble %q offers %v, not %s", b.summary, b.actions, action)
	}
	if err := s.conn.Emit(notifyPath, notifyName+".ActionInvoked", b.id, action); err != nil {
		t.Fatal(err)
	}
}

// TestDesktopBubbles: alerts reach `ifw applet` as bubbles with buttons;
// Block blocks the attacker, Whitelist whitelists the next one.
func TestDesktopBubbles(t *testing.T) {
	l, d := blockLab(t, "\n[action desktop]\ntype = notify\nmin_level = 2\n")
	srv, addr := startBubbleServer(t, t.TempDir())
	applet := exec.Command(ifwBin, "applet", "--socket", d.socket)
	applet.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	background(t, "ifw applet", applet)
	d.waitLog("applet subscribed", time.Minute)
	l.scan("-sS", "-p", "1-100")
	b := srv.waitBubble(t, attackerIP)
	srv.click(t, b, "block")
	waitFor(t, "the Block click's block", time.Minute, func() bool { return listed(d.blockList(), attackerIP+"/32") })
	if tcp, icmp := l.reachable(); tcp || icmp {
		t.Errorf("blocked from the bubble, still gets through: tcp %v, ping %v", tcp, icmp)
	}
	l.scanFromMany(1, "1-20")
	srv.click(t, srv.waitBubble(t, "198.51.100.10"), "whitelist")
	var last []byte
	defer func() {
		if t.Failed() {
			t.Logf("last whitelist list: %s", last)
		}
	}()
	waitFor(t, "the Whitelist click's entry", time.Minute, func() bool {
		last, _ = exec.Command(ifwBin, "whitelist", "list", "--json", "--socket", d.socket).CombinedOutput()
		var wl struct{ Entries []struct{ Text string } }
		json.Unmarshal(last, &wl)
		return slices.ContainsFunc(wl.Entries, func(e struct{ Text string }) bool { return e.Text == "198.51.100.10" })
	})
	t.Logf("bubble: %q / %q with %v", b.summary, b.body, b.actions)
	d.stop()
}

// TestDesktopBlockForged is the attack: a local user writes forged firewall
// lines to the syslog file, "from" an address of the host's own network.
// Auto-blocking refuses that already; the bubble must say the evidence is
// untrusted, and its Block button must not block the address either (the
// human only saw what the forger wrote): the refusal comes back as a bubble
// telling how to block by hand, and `ifw status` marks the attacker.
func TestDesktopBlockForged(t *testing.T) {
	require(t, "ip", "ipset")
	l := newLab(t)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "kern.log")
	if err := os.WriteFile(logFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, l.victim, dir, fmt.Sprintf(
		"[source syslog]\ntype = file\npath = %s\n\n[block]\nwhitelist = %s\n\n[action desktop]\ntype = notify\nmin_level = 2\n",
		logFile, filepath.Join(dir, "whitelist")))
	srv, addr := startBubbleServer(t, t.TempDir())
	applet := exec.Command(ifwBin, "applet", "--socket", d.socket)
	applet.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	background(t, "ifw applet", applet)
	d.waitLog("applet subscribed", time.Minute)

	const forged = "203.0.113.9" // on the victim's own network: inside home_net
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for port := 1; port <= 30; port++ {
		fmt.Fprintf(f, "%s fw kernel: DROP IN=eth0 OUT= SRC=%s DST=203.0.113.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
			time.Now().Format(time.RFC3339Nano), forged, port)
	}
	f.Close()
	b := srv.waitBubble(t, "Intrusion detected from "+forged)
	if !strings.Contains(b.summary, "untrusted evidence") || !strings.Contains(b.body, "Untrusted") {
		t.Errorf("bubble %q / %q: want it marked untrusted", b.summary, b.body)
	}
	srv.click(t, b, "block")
	refusal := srv.waitBubble(t, "cannot block it")
	t.Logf("refusal: %q / %q", refusal.summary, refusal.body)
	if listed(d.blockList(), forged+"/32") {
		t.Errorf("the Block click blocked %s on forged lines", forged)
	}
	if out, _ := exec.Command("ip", "netns", "exec", l.victim, "ipset", "test", "ifw-block4", forged).CombinedOutput(); !strings.Contains(string(out), "NOT in set") {
		t.Errorf("%s is in the kernel set: %s", forged, out)
	}
	out, err := exec.Command(ifwBin, "status", "--socket", d.socket).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "evidence: UNTRUSTED") {
		t.Errorf("ifw status does not mark the forged attacker (%v):\n%s", err, out)
	}
	d.stop()
}
