package firewall

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// The tests in this file run the real iptables and ip6tables (nft and
// legacy, whichever are installed) in a network namespace of their own:
// they need root, ip, ipset and iptables. They never touch the host's
// firewall.

// testNS makes a network namespace for the test (testenv.NewNetNS) and
// returns a Runner that runs commands inside it.
func testNS(t *testing.T) (*testenv.NetNS, Runner) {
	t.Helper()
	ns := testenv.NewNetNS(t, "fw")
	run := func(ctx context.Context, argv []string) (Result, error) { return Exec(ctx, ns.Cmd(argv...)) }
	return ns, run
}

// save lists a family's filter table in the namespace.
func save(t *testing.T, ns *testenv.NetNS, tool string) string {
	t.Helper()
	cmd := ns.Command(tool, "-w", "-S")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -S: %v", tool, err)
	}
	return string(out)
}

// admin is the namespace's own firewall before ifw: INPUT drops by
// policy, FORWARD ends with a REJECT.
var admin = []string{"-P INPUT DROP", "-A INPUT -i lo -j ACCEPT",
	"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-A FORWARD -j REJECT"}

// wantTable is the listing after Apply of the system test's configuration
// (with reject rules before the queue rule) or of its nflog variant
// (without them).
func wantTable(v string, nflog bool) string {
	set := func(chain, name string) string {
		return "-A " + chain + " -m set --match-set " + name + " src -m comment --comment ifw -j DROP"
	}
	logRule := `-A IFW-LOG -m comment --comment ifw -j LOG --log-prefix "ifw " --log-tcp-sequence --log-tcp-options --log-ip-options`
	target := "-m comment --comment ifw -j NFQUEUE --queue-num 5 --queue-bypass"
	if nflog {
		logRule = "-A IFW-LOG -m comment --comment ifw -j NFLOG --nflog-prefix ifw --nflog-group 9"
		target = "-m comment --comment ifw -j NFQUEUE --queue-num 0"
	}
	queue := []string{"-A OUTPUT ! -o lo -m conntrack --ctstate NEW " + target,
		"-A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack ! --ctstate NEW " + target}
	unreachable := "icmp-port-unreachable"
	if v == "6" {
		unreachable = "icmp6-port-unreachable"
	}
	output := append([]string{
		"-A OUTPUT -p tcp -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with tcp-reset",
		"-A OUTPUT -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with " + unreachable},
		queue...)
	if nflog {
		output = queue
	}
	return lines(slices.Concat([]string{"-P INPUT DROP", "-P FORWARD ACCEPT", "-P OUTPUT ACCEPT", "-N IFW-LOG",
		set("INPUT", "ifw-block"+v), set("INPUT", "ifw-bulk"+v),
		"-A INPUT -i lo -j ACCEPT", "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		"-A INPUT -m comment --comment ifw -j IFW-LOG",
		set("FORWARD", "ifw-block"+v), set("FORWARD", "ifw-bulk"+v),
		"-A FORWARD -m comment --comment ifw -j IFW-LOG", "-A FORWARD -j REJECT --reject-with " + unreachable},
		output, []string{logRule})...)
}

func TestSystemApplyRemove(t *testing.T) {
	backends := []struct {
		backend Backend
		tools   []string
	}{
		{BackendNFT, []string{"iptables-nft", "ip6tables-nft"}},
		{BackendLegacy, []string{"iptables-legacy", "ip6tables-legacy"}},
		{BackendAuto, []string{"iptables", "ip6tables"}},
	}
	tested := 0
	for _, b := range backends {
		t.Run("backend="+string(b.backend), func(t *testing.T) {
			if b.backend != BackendAuto {
				for _, tool := range b.tools {
					if _, err := exec.LookPath(tool); err != nil {
						t.Skipf("no %s", tool)
					}
				}
			}
			testenv.Root(t)
			testenv.Tool(t, append([]string{"ip", "ipset"}, b.tools...)...)
			tested++
			systemApplyRemove(t, b.backend, b.tools)
		})
	}
	if tested == 0 && testenv.CI() {
		t.Fatal("no iptables backend tested")
	}
}

func systemApplyRemove(t *testing.T, backend Backend, tools []string) {
	ns, run := testNS(t)
	prepareNS(t, ns, tools)
	before := []string{save(t, ns, tools[0]), save(t, ns, tools[1])}
	ctx := context.Background()
	cfg := Config{Backend: backend, Sets4: []string{"ifw-block4", "ifw-bulk4"}, Sets6: []string{"ifw-block6", "ifw-bulk6"},
		Queue: &QueueConfig{Num: 5, Bypass: true, RejectMark: DefaultRejectMark}}
	nflog := cfg
	nflog.Log = LogConfig{Target: LogNFLOG, Group: 9}
	nflog.Queue = &QueueConfig{Num: 0}
	// The nflog variant first: then cfg's reject rules go in before an
	// NFQUEUE rule already there, and Remove has them to delete.
	applyTwice(t, ns, tools, run, nflog, true)
	applyTwice(t, ns, tools, run, cfg, false)

	missing := cfg
	missing.Sets6 = []string{"ifw-nope6"}
	after := save(t, ns, tools[1])
	if _, err := Apply(ctx, missing, run); !errors.Is(err, ErrMissingSet) || !strings.Contains(err.Error(), `"ifw-nope6" does not exist`) {
		t.Errorf("Apply with a missing set = %v, want ErrMissingSet naming it", err)
	}
	if save(t, ns, tools[1]) != after {
		t.Error("Apply with a missing set changed the table")
	}

	rep, err := Remove(ctx, Config{Backend: backend}, run)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: Remove deleted %d rules and chains", rep.Version, rep.Changed())
	for i := range before {
		if got := save(t, ns, tools[i]); got != before[i] {
			t.Errorf("%s -S after Remove:\n%s\nwant\n%s", tools[i], got, before[i])
		}
	}
	if rep, err := Remove(ctx, Config{Backend: backend}, run); err != nil || rep.Changed() != 0 {
		t.Errorf("second Remove: %v, %d changes", err, rep.Changed())
	}
}

// prepareNS creates the sets and the admin's firewall in the namespace.
func prepareNS(t *testing.T, ns *testenv.NetNS, tools []string) {
	t.Helper()
	for _, set := range []string{"ifw-block4 hash:net", "ifw-bulk4 hash:net", "ifw-block6 hash:net family inet6", "ifw-bulk6 hash:net family inet6"} {
		ns.Run(t, append([]string{"ipset", "create"}, append(strings.Fields(set), "timeout", "0")...)...)
	}
	for _, tool := range tools {
		for _, l := range admin {
			ns.Run(t, append([]string{tool, "-w"}, strings.Fields(l)...)...)
		}
	}
}

// applyTwice applies cfg, checks the tables hold exactly the planned
// rules, and applies again: nothing may change.
func applyTwice(t *testing.T, ns *testenv.NetNS, tools []string, run Runner, cfg Config, nflog bool) {
	t.Helper()
	rep, err := Apply(context.Background(), cfg, run)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Backend != BackendAuto && rep.Backend != cfg.Backend || rep.Changed() == 0 {
		t.Errorf("first Apply: backend %q, %d changes", rep.Backend, rep.Changed())
	}
	for i, v := range []string{"4", "6"} {
		if got, want := save(t, ns, tools[i]), wantTable(v, nflog); got != want {
			t.Errorf("%s -S after Apply:\n%s\nwant\n%s", tools[i], got, want)
		}
	}
	rep, err = Apply(context.Background(), cfg, run)
	if err != nil || rep.Changed() != 0 {
		t.Errorf("second Apply: %v, %d changes: %+v", err, rep.Changed(), rep.Steps)
	}
}
