package test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/pgtest"
	"github.com/ifw/ifw/test/testenv"
)

// fleetScanAttacker is the address that scans the fleet.
const fleetScanAttacker = "198.51.100.66"

// scanFleet is one attacker namespace joined to three host namespaces
// (203.0.113.11-13), each by its own veth pair, each host logging and
// dropping every new inbound packet to NFLOG group 23 with the test's
// prefix.
type scanFleet struct {
	t        *testing.T
	prefix   string
	attacker *testenv.NetNS
	hosts    []*testenv.NetNS
	ips      []string
	links    []string // the attacker's side of each host's link
}

func newScanFleet(t *testing.T, n int) *scanFleet {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	f := &scanFleet{t: t, prefix: "ifwf-" + tok, attacker: testenv.NewNetNS(t, "fleet-attacker")}
	for i := range n {
		h := testenv.NewNetNS(t, fmt.Sprintf("fleet-host%d", i))
		ip := fmt.Sprintf("203.0.113.%d", 11+i)
		ifA, ifH := fmt.Sprintf("fa%d%s", i, tok), fmt.Sprintf("fh%d%s", i, tok)
		testenv.Veth(t, f.attacker, ifA, h, ifH)
		f.attacker.Run(t, "ip", "addr", "add", fleetScanAttacker+"/32", "dev", ifA) // the same address on every link
		f.attacker.Run(t, "ip", "route", "add", ip+"/32", "dev", ifA, "src", fleetScanAttacker)
		h.Run(t, "ip", "addr", "add", ip+"/24", "dev", ifH)
		h.Run(t, "ip", "route", "add", "198.51.100.0/24", "dev", ifH)
		h.Run(t, "iptables", "-A", "INPUT", "-i", ifH, "-j", "NFLOG", "--nflog-group", "23", "--nflog-prefix", f.prefix)
		h.Run(t, "iptables", "-A", "INPUT", "-i", ifH, "-j", "DROP")
		f.hosts, f.ips, f.links = append(f.hosts, h), append(f.ips, ip), append(f.links, ifA)
	}
	return f
}

// fleetAlerts are the alerts with collector "fleet" that the daemons list,
// each once (a shared store lists every host's alerts on every host).
func fleetAlerts(t *testing.T, daemons []*daemonProc) []map[string]any {
	t.Helper()
	seen := map[string]bool{}
	var out []map[string]any
	for _, d := range daemons {
		raw, err := exec.Command(ifwBin, "alerts", "--json", "--socket", d.socket).Output()
		if err != nil {
			t.Fatalf("ifw alerts: %v", err)
		}
		var list []map[string]any
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("ifw alerts: %v: %s", err, raw)
		}
		for _, a := range list {
			key := fmt.Sprint(a["host"], "/", a["id"])
			if a["collector"] == "fleet" && !seen[key] {
				seen[key] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// TestFleetScan: a slow scan spread over three hosts (three daemons in
// three namespaces on one PostgreSQL), three ports each: no host sees an
// attacker at level 1, and exactly one fleet alert names all three;
// `ifw status --fleet --json` lists the source with scope fleet and the
// three hosts.
func TestFleetScan(t *testing.T) {
	require(t, "ip", "iptables", "nmap")
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	f := newScanFleet(t, 3)
	names := []string{"fleet-a", "fleet-b", "fleet-c"}
	var daemons []*daemonProc
	for i, h := range f.hosts {
		dir := t.TempDir()
		sections := fmt.Sprintf("host = %s\n\n[store]\nurl = %s\n\n[fleet]\nhosts = 3 5 10 20 50\nwindow = 1h\n\n"+
			"[detect]\nrequire_prefix = %s\n\n[source nflog]\ntype = nflog\ngroup = 23\n", names[i], url, f.prefix)
		daemons = append(daemons, startDaemon(t, h.Name, dir, sections))
	}
	for i, ip := range f.ips { // slow: a few ports per host, one at a time
		f.attacker.Run(t, "nmap", "-n", "-Pn", "-sS", "--max-retries", "0", "--scan-delay", "100ms",
			"-S", fleetScanAttacker, "-e", f.links[i], "-p", "21-23", ip)
	}
	deadline := time.Now().Add(time.Minute)
	var alerts []map[string]any
	for time.Now().Before(deadline) {
		if alerts = fleetAlerts(t, daemons); len(alerts) > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(alerts) == 0 {
		for _, d := range daemons {
			st, _ := d.status()
			fl, _ := exec.Command(ifwBin, "status", "--fleet", "--json", "--socket", d.socket).CombinedOutput()
			out, _ := exec.Command("ip", "netns", "exec", d.ns, "iptables", "-L", "INPUT", "-v", "-n").Output()
			t.Logf("%s", out)
			t.Logf("%s: collectors %v\nengine %v\nfleet %s", d.ns, st["collectors"], st["engine"], fl)
		}
		t.Fatal("no fleet alert within a minute")
	}
	// Every daemon has reported and rechecked every sighting: a second
	// alert would be there by now.
	for _, d := range daemons {
		waitFleetIdle(t, d)
	}
	alerts = fleetAlerts(t, daemons)
	if len(alerts) != 1 {
		t.Fatalf("%d fleet alerts, want 1: %v", len(alerts), alerts)
	}
	a := alerts[0]
	sigs, _ := a["signatures"].([]any)
	name := ""
	if len(sigs) == 1 {
		name, _ = sigs[0].(map[string]any)["name"].(string)
	}
	if a["src"] != fleetScanAttacker || a["level"] != 1.0 || a["reasons"] != "fleet" || a["destination_count"] != 3.0 ||
		name != "fleet scan: fleet-a, fleet-b, fleet-c" {
		t.Fatalf("fleet alert %v", a)
	}
	t.Logf("fleet alert raised by %v: %s, %v packets", a["host"], name, a["packets"])
	for i, d := range daemons { // below every local threshold
		st, err := d.status()
		if err != nil {
			t.Fatal(err)
		}
		if at := findAttacker(st, fleetScanAttacker); at != nil {
			t.Errorf("%s sees the attacker at level %v", names[i], at["danger_level"])
		}
	}
	raw, err := exec.Command(ifwBin, "status", "--fleet", "--json", "--socket", daemons[1].socket).Output()
	if err != nil {
		t.Fatalf("ifw status --fleet: %v", err)
	}
	var st struct {
		Hosts []struct {
			Host     string `json:"host"`
			Degraded bool   `json:"degraded"`
		} `json:"hosts"`
		Attackers []struct {
			Src   string   `json:"src"`
			Level int      `json:"danger_level"`
			Hosts []string `json:"hosts"`
			Scope string   `json:"scope"`
		} `json:"attackers"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, h := range st.Hosts {
		hosts = append(hosts, h.Host)
	}
	if !slices.Equal(hosts, names) || len(st.Attackers) == 0 || st.Attackers[0].Src != fleetScanAttacker ||
		st.Attackers[0].Scope != "fleet" || st.Attackers[0].Level != 1 || !slices.Equal(st.Attackers[0].Hosts, names) {
		t.Fatalf("ifw status --fleet --json: %s", raw)
	}
	human, err := exec.Command(ifwBin, "status", "--fleet", "--socket", daemons[0].socket).Output()
	if err != nil || !strings.Contains(string(human), "[fleet] "+fleetScanAttacker+"  fleet level 1  seen by 3 hosts: fleet-a, fleet-b, fleet-c") {
		t.Fatalf("ifw status --fleet: %v\n%s", err, human)
	}
	for _, d := range daemons {
		d.stop()
	}
}

// waitFleetIdle waits until d tracks no source for the fleet: every
// sighting is reported and rechecked, so every level it could raise is
// raised.
func waitFleetIdle(t *testing.T, d *daemonProc) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		raw, err := exec.Command(ifwBin, "status", "--fleet", "--json", "--socket", d.socket).Output()
		if err != nil {
			t.Fatalf("ifw status --fleet: %v", err)
		}
		var st struct {
			Scan struct {
				Tracked int `json:"tracked"`
			} `json:"scan"`
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatal(err)
		}
		if st.Scan.Tracked == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d sources to report after a minute", st.Scan.Tracked)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
