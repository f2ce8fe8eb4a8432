package test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/pgtest"
)

// fleetLab is a fleet under test: N daemons, each in its own victim
// namespace with an attacker namespace of its own able to reach it (a lab
// each: attacker 198.51.100.2, victim 203.0.113.2, in every pair), all on
// one throwaway PostgreSQL reached through its unix socket (a file: any
// namespace reaches it). Every host has a default route via a gateway of
// its own (203.0.113.100+i, never answered), so its never-block guard
// protects an address the other hosts do not.
type fleetLab struct {
	t     *testing.T
	pg    *pgtest.Server
	url   string
	hosts []*fleetHost
}

// fleetHost is one host of a fleetLab.
type fleetHost struct {
	name    string
	lab     *lab
	d       *daemonProc
	prefix  string // the LOG prefix its victim logs with ([detect] require_prefix)
	gateway string // its default route's gateway
}

// newFleetLab starts one daemon per name ([daemon] host = name), each in
// its own namespaces. Its configuration has [detect] require_prefix (its
// own LOG prefix), [source kmsg], [store] url and [block] whitelist, then
// blockKeys(name) as more [block] keys and extra(name) as more sections
// (either may be nil). The victims log and drop every new inbound packet
// and have ifw's set rules (`ifw setup`).
func newFleetLab(t *testing.T, names []string, blockKeys, extra func(name string) string) *fleetLab {
	t.Helper()
	require(t, "ip", "iptables", "ipset", "nmap")
	fl := &fleetLab{t: t, pg: pgtest.Start(t)}
	fl.url = fl.pg.NewDatabase(t)
	for i, name := range names {
		h := &fleetHost{name: name, lab: newLab(t), gateway: fmt.Sprintf("203.0.113.%d", 100+i)}
		h.lab.in(h.lab.victim, "ip", "route", "add", "default", "via", h.gateway, "dev", h.lab.ifV)
		h.prefix = h.lab.logRules(0)
		dir := t.TempDir()
		sections := fmt.Sprintf("%s\n[store]\nurl = %s\n\n[block]\nwhitelist = %s\n%s\n\n%s",
			daemonSections(h.prefix, "[source kmsg]\ntype = kmsg\n"), fl.url, filepath.Join(dir, "whitelist"),
			call(blockKeys, name), call(extra, name))
		h.d = startFleetDaemon(t, h.lab.victim, dir, name, sections)
		h.lab.in(h.lab.victim, ifwBin, "setup", "--config", h.d.conf, "--log", "none")
		fl.hosts = append(fl.hosts, h)
	}
	return fl
}

func call(f func(string) string, name string) string {
	if f == nil {
		return ""
	}
	return f(name)
}

// host is the host named name.
func (fl *fleetLab) host(name string) *fleetHost {
	for _, h := range fl.hosts {
		if h.name == name {
			return h
		}
	}
	fl.t.Fatalf("no host %s in the fleet", name)
	return nil
}

// startFleetDaemon is startDaemon with [daemon] host = name.
func startFleetDaemon(t *testing.T, ns, dir, name, sections string) *daemonProc {
	t.Helper()
	return startDaemonConf(t, ns, dir, nil, fmt.Sprintf("host = %s\nsave_interval = 1s\n", name), sections)
}

// inSet reports whether h's kernel block set holds addr.
func (h *fleetHost) inSet(addr string) bool {
	set := "ifw-block4"
	if strings.Contains(addr, ":") {
		set = "ifw-block6"
	}
	return exec.Command("ip", "netns", "exec", h.lab.victim, "ipset", "test", set, addr).Run() == nil
}

// ifw runs the ifw command line against h's daemon.
func (h *fleetHost) ifw(args ...string) string {
	h.lab.t.Helper()
	out, err := exec.Command(ifwBin, append(args, "--socket", h.d.socket)...).CombinedOutput()
	if err != nil {
		h.lab.t.Fatalf("%s: ifw %s: %v\n%s", h.name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// waitAll waits until cond holds on every host (each polled).
func (fl *fleetLab) waitAll(what string, within time.Duration, cond func(h *fleetHost) bool) {
	fl.t.Helper()
	waitFor(fl.t, what, within, func() bool {
		for _, h := range fl.hosts {
			if !cond(h) {
				return false
			}
		}
		return true
	})
}
