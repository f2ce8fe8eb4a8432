package test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// The central syslog port of TestLogServer, inside its own namespace.
const centralPort = "10514"

// TestLogServer: psad's log-server mode on real syslog daemons. Two
// "hosts" (lab A and lab B, each an attacker and a victim namespace) log
// their firewall's drops; each has its own rsyslogd (localHostname
// sensor-a / sensor-b, reading the kernel log with imkmsg, keeping its
// own lab's lines) forwarding over TCP (omfwd) from the victim namespace
// to a central rsyslogd (imtcp) in a third namespace, which writes one
// file; the central ifw daemon ([daemon] log_server = yes) follows it.
// The same attacker address scans 10 ports of each host: on each sensor
// it is at level 1 (level 2 needs 15 packets), never at level 2 as the
// 20 packets together would make it; `ifw status --json` lists it once
// per sensor, naming the sensor, and `ifw alerts --host` picks one
// sensor's alerts; `ifw status --fleet --json` shows the sensors as the
// fleet's hosts.
func TestLogServer(t *testing.T) {
	require(t, "ip", "iptables", "nmap", "rsyslogd")
	la, lb := newLab(t), newLab(t)
	prefixA, prefixB := la.logRules(0), lb.logRules(0)
	central := testenv.NewNetNS(t, "central")
	dir := t.TempDir()
	link := func(l *lab, victimAddr, centralAddr string) {
		tok := l.token
		testenv.Veth(t, &testenv.NetNS{Name: l.victim}, "ts"+tok, central, "tc"+tok)
		l.in(l.victim, "ip", "addr", "add", victimAddr+"/30", "dev", "ts"+tok)
		central.Run(t, "ip", "addr", "add", centralAddr+"/30", "dev", "tc"+tok)
	}
	link(la, "192.0.2.1", "192.0.2.2")
	link(lb, "192.0.2.5", "192.0.2.6")

	logFile := startCentralRsyslog(t, central, filepath.Join(dir, "central"))
	startSensorRsyslog(t, la.victim, filepath.Join(dir, "sensor-a"), "sensor-a", prefixA, "192.0.2.2")
	startSensorRsyslog(t, lb.victim, filepath.Join(dir, "sensor-b"), "sensor-b", prefixB, "192.0.2.6")

	d := startLogServer(t, central.Name, filepath.Join(dir, "ifw"),
		fmt.Sprintf("[source forwarded]\ntype = file\npath = %s\nstart = beginning\n", logFile))
	la.scan("-sS", "-p", "1-10")
	lb.scan("-sS", "-p", "11-20")

	var byHost map[string]map[string]any
	deadline := time.Now().Add(time.Minute)
	for {
		byHost = sensorAttackers(t, d, attackerIP)
		if packets(byHost["sensor-a"]) >= 10 && packets(byHost["sensor-b"]) >= 10 {
			break
		}
		if time.Now().After(deadline) {
			st, _ := d.status()
			b, _ := json.MarshalIndent(st, "", "  ")
			raw, _ := os.ReadFile(logFile)
			t.Fatalf("the attacker is not on both sensors; status:\n%s\ncentral log:\n%s", b, raw)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, host := range []string{"sensor-a", "sensor-b"} {
		a := byHost[host]
		if lvl := a["danger_level"].(float64); lvl != 1 || packets(a) >= 15 || a["scope"] != "host" {
			t.Errorf("%s: level %v, %v packets, scope %v; want level 1 on 10 packets", host, lvl, a["packets"], a["scope"])
		}
	}
	if len(byHost) != 2 {
		t.Errorf("attacker listed by %d hosts, want the two sensors: %v", len(byHost), byHost)
	}
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	sensors := map[string]bool{}
	for _, x := range st["hosts"].([]any) {
		h := x.(map[string]any)
		if h["sensor"] == true {
			sensors[h["host"].(string)] = true
		}
	}
	if !sensors["sensor-a"] || !sensors["sensor-b"] || len(sensors) != 2 {
		t.Errorf("status hosts %v", st["hosts"])
	}
	t.Logf("log server: %v; hosts %v", st["log_server"], st["hosts"])

	// ifw status --fleet --json: the fleet's shape, the sensors as its hosts.
	out, err := exec.Command(ifwBin, "status", "--fleet", "--json", "--socket", d.socket).Output()
	if err != nil {
		t.Fatalf("ifw status --fleet: %v", err)
	}
	var fleet struct {
		Hosts []struct {
			Host     string    `json:"host"`
			LastSeen time.Time `json:"last_seen"`
		} `json:"hosts"`
		Attackers []struct {
			Src   string   `json:"src"`
			Hosts []string `json:"hosts"`
			Scope string   `json:"scope"`
		} `json:"attackers"`
	}
	if err := json.Unmarshal(out, &fleet); err != nil {
		t.Fatalf("ifw status --fleet --json: %v\n%s", err, out)
	}
	fleetHosts, scoped := map[string]bool{}, 0
	for _, h := range fleet.Hosts {
		fleetHosts[h.Host] = !h.LastSeen.IsZero()
	}
	for _, a := range fleet.Attackers {
		if a.Src == attackerIP && a.Scope == "host" && len(a.Hosts) == 1 {
			scoped++
		}
	}
	if !fleetHosts["sensor-a"] || !fleetHosts["sensor-b"] || scoped != 2 {
		t.Errorf("ifw status --fleet --json: %s", out)
	}

	for _, host := range []string{"sensor-a", "sensor-b"} {
		list := alertsOf(t, d, "--host", host)
		if len(list) == 0 {
			t.Errorf("ifw alerts --host %s: none", host)
		}
		for _, a := range list {
			if a["host"] != host || a["src"] != attackerIP || a["collector"] != "forwarded" {
				t.Errorf("ifw alerts --host %s: host %v src %v collector %v", host, a["host"], a["src"], a["collector"])
			}
		}
	}
	if list := alertsOf(t, d, "--host", "sensor-c"); len(list) != 0 {
		t.Errorf("ifw alerts --host sensor-c: %d alerts", len(list))
	}
	d.stop()
}

// startLogServer starts `ifw daemon` in ns as a log server, with dir for
// its files and the given sections after [daemon].
func startLogServer(t *testing.T, ns, dir, sections string) *daemonProc {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return startDaemonConf(t, ns, dir, nil, "save_interval = 1s\nhost = central\nlog_server = yes\n", sections)
}

// startCentralRsyslog runs the central rsyslogd in ns: TCP in on
// centralPort, every line received written to DIR/central.log, which it
// returns once the port listens.
func startCentralRsyslog(t *testing.T, ns *testenv.NetNS, dir string) string {
	t.Helper()
	logFile := filepath.Join(dir, "central.log")
	conf := fmt.Sprintf(`global(workDirectory=%q)
module(load="imtcp")
ruleset(name="remote") {
	action(type="omfile" file=%q template="RSYSLOG_FileFormat")
}
input(type="imtcp" port=%q ruleset="remote")
`, filepath.Join(dir, "work"), logFile, centralPort)
	runRsyslog(t, ns.Name, dir, "central rsyslogd", conf)
	listening := false
	for deadline := time.Now().Add(time.Minute); !listening && time.Now().Before(deadline); {
		ns.Do(t, func() {
			if c, err := net.DialTimeout("tcp", "127.0.0.1:"+centralPort, time.Second); err == nil {
				c.Close()
				listening = true
			}
		})
		if !listening {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !listening {
		t.Fatal("the central rsyslogd does not listen")
	}
	return logFile
}

// startSensorRsyslog runs a sensor's rsyslogd in ns under the host name
// host: the kernel's lines of its lab (those with prefix) forwarded over
// TCP to the central rsyslogd at target.
func startSensorRsyslog(t *testing.T, ns, dir, host, prefix, target string) {
	t.Helper()
	conf := fmt.Sprintf(`global(workDirectory=%q localHostname=%q)
module(load="imkmsg")
if $msg contains %q then {
	action(type="omfwd" target=%q port=%q protocol="tcp" template="RSYSLOG_ForwardFormat"
		action.resumeRetryCount="-1" action.resumeInterval="1")
}
`, filepath.Join(dir, "work"), host, prefix, target, centralPort)
	runRsyslog(t, ns, dir, host+" rsyslogd", conf)
}

// runRsyslog runs rsyslogd with conf in ns, in the foreground of its own
// process (stopped by PID when the test ends), with its files in dir.
func runRsyslog(t *testing.T, ns, dir, name, conf string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "work"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	background(t, name, exec.Command("ip", "netns", "exec", ns, "rsyslogd", "-n", "-f", path, "-i", filepath.Join(dir, "rsyslogd.pid")))
}

// sensorAttackers are the status' attackers from src by the one host
// each names.
func sensorAttackers(t *testing.T, d *daemonProc, src string) map[string]map[string]any {
	t.Helper()
	st, err := d.status()
	if err != nil {
		return nil
	}
	out := map[string]map[string]any{}
	list, _ := st["attackers"].([]any)
	for _, x := range list {
		a := x.(map[string]any)
		if a["src"] != src {
			continue
		}
		hosts, _ := a["hosts"].([]any)
		if len(hosts) != 1 {
			t.Fatalf("attacker %s names hosts %v, want one sensor", src, a["hosts"])
		}
		out[hosts[0].(string)] = a
	}
	return out
}

func packets(a map[string]any) float64 {
	n, _ := a["packets"].(float64)
	return n
}

// alertsOf is `ifw alerts --json` with args, decoded.
func alertsOf(t *testing.T, d *daemonProc, args ...string) []map[string]any {
	t.Helper()
	out, err := exec.Command(ifwBin, append([]string{"alerts", "--json", "--socket", d.socket}, args...)...).Output()
	if err != nil {
		t.Fatalf("ifw alerts %s: %v", strings.Join(args, " "), err)
	}
	var list []map[string]any
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("ifw alerts %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return list
}
