package firewall

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	ruleSet4      = `-A INPUT -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP`
	ruleSet4Fwd   = `-A FORWARD -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP`
	ruleLog       = `-A IFW-LOG -m comment --comment ifw -j LOG --log-prefix "ifw " --log-tcp-sequence --log-tcp-options --log-ip-options`
	ruleHookIn    = `-A INPUT -m comment --comment ifw -j IFW-LOG`
	ruleHookFwd   = `-A FORWARD -m comment --comment ifw -j IFW-LOG`
	ruleAcceptLo  = `-A INPUT -i lo -j ACCEPT`
	ruleAcceptEst = `-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`
)

func lines(s ...string) string { return strings.Join(s, "\n") + "\n" }

func TestApplyIdempotent(t *testing.T) {
	f := newFake()
	f.setup("iptables", "-P INPUT DROP", "-P FORWARD DROP", ruleAcceptLo, ruleAcceptEst)
	f.setup("ip6tables", "-P INPUT DROP", "-P FORWARD DROP")
	ctx := context.Background()
	rep, err := Apply(ctx, Config{}, f.run)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Backend != BackendNFT || rep.Changed() != 12 || len(rep.Warnings) != 0 {
		t.Errorf("report: backend %q, %d changes, warnings %q; want nft, 12, none", rep.Backend, rep.Changed(), rep.Warnings)
	}
	want := lines("-P INPUT DROP", "-P FORWARD DROP", "-P OUTPUT ACCEPT", "-N IFW-LOG",
		ruleSet4, ruleAcceptLo, ruleAcceptEst, ruleHookIn, ruleSet4Fwd, ruleHookFwd, ruleLog)
	if got := f.listing("iptables"); got != want {
		t.Errorf("iptables -S:\n%s\nwant\n%s", got, want)
	}
	f.changes = nil
	rep, err = Apply(ctx, Config{}, f.run)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed() != 0 || len(f.changes) != 0 {
		t.Errorf("second Apply changed %d: %q", rep.Changed(), f.changes)
	}
	for _, s := range rep.Steps {
		if s.Change != Present {
			t.Errorf("second Apply: %s %s", s.Line, s.Change)
		}
	}
}

func TestApplyPlacesTheLogJump(t *testing.T) {
	tests := []struct {
		name  string
		hook  HookMode
		setup []string
		want  []string // INPUT's rules after Apply
		warn  bool
	}{
		{"policy drop: appended", HookAuto, []string{"-P INPUT DROP", ruleAcceptLo},
			[]string{ruleSet4, ruleAcceptLo, ruleHookIn}, false},
		{"final DROP: before it", HookAuto, []string{ruleAcceptLo, "-A INPUT -j DROP"},
			[]string{ruleSet4, ruleAcceptLo, ruleHookIn, "-A INPUT -j DROP"}, false},
		{"final REJECT: before it", HookAuto, []string{ruleAcceptLo, "-A INPUT -j REJECT --reject-with icmp-port-unreachable"},
			[]string{ruleSet4, ruleAcceptLo, ruleHookIn, "-A INPUT -j REJECT --reject-with icmp-port-unreachable"}, false},
		{"policy drop and final DROP: before it", HookAuto, []string{"-P INPUT DROP", "-A INPUT -j DROP"},
			[]string{ruleSet4, ruleHookIn, "-A INPUT -j DROP"}, false},
		{"conditional final DROP, policy accept: none", HookAuto, []string{"-A INPUT -p tcp -j DROP"},
			[]string{ruleSet4, "-A INPUT -p tcp -j DROP"}, true},
		{"policy accept: none", HookAuto, nil, []string{ruleSet4}, true},
		{"already elsewhere: kept", HookAuto, []string{"-P INPUT DROP", ruleHookIn, ruleAcceptLo},
			[]string{ruleSet4, ruleHookIn, ruleAcceptLo}, false},
		{"append mode, policy accept", HookAppend, []string{ruleAcceptLo, "-A INPUT -j DROP"},
			[]string{ruleSet4, ruleAcceptLo, "-A INPUT -j DROP", ruleHookIn}, false},
		{"none mode", HookNone, []string{"-P INPUT DROP"}, []string{ruleSet4}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.setup("iptables", tt.setup...)
			cfg := Config{Families: IPv4, Chains: []string{"INPUT"}, Log: LogConfig{Hook: tt.hook}}
			rep, err := Apply(context.Background(), cfg, f.run)
			if err != nil {
				t.Fatal(err)
			}
			if got := inputRules(f); !slices.Equal(got, tt.want) {
				t.Errorf("INPUT:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if (len(rep.Warnings) > 0) != tt.warn {
				t.Errorf("warnings %q, want some: %v", rep.Warnings, tt.warn)
			}
			f.changes = nil
			if rep, err := Apply(context.Background(), cfg, f.run); err != nil || rep.Changed() != 0 {
				t.Errorf("second Apply: %v, %d changes %q", err, rep.Changed(), f.changes)
			}
		})
	}
}

func inputRules(f *fakeIptables) []string { return chainRules(f, "iptables", "INPUT") }

// chainRules are the -A lines of one chain of tool's listing.
func chainRules(f *fakeIptables, tool, chain string) []string {
	var out []string
	for _, l := range strings.Split(f.listing(tool), "\n") {
		if strings.HasPrefix(l, "-A "+chain+" ") {
			out = append(out, l)
		}
	}
	return out
}

const (
	ruleAcceptLoOut = "-A OUTPUT -o lo -j ACCEPT"
	ruleAdminOut    = "-A OUTPUT -p udp --dport 53 -j ACCEPT"
	ruleQueue5      = "-A OUTPUT ! -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5"
	ruleQueue6      = "-A OUTPUT ! -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 6"
	ruleSYN5        = "-A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack ! --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5"
	ruleRejectTCP   = "-A OUTPUT -p tcp -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with tcp-reset"
	ruleReject      = "-A OUTPUT -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with icmp-port-unreachable"
	ruleReject6     = "-A OUTPUT -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with icmp6-port-unreachable"
	ruleRejectTCP1  = "-A OUTPUT -p tcp -m mark --mark 0x1/0x1 -m comment --comment ifw -j REJECT --reject-with tcp-reset"
	ruleReject1     = "-A OUTPUT -m mark --mark 0x1/0x1 -m comment --comment ifw -j REJECT --reject-with icmp-port-unreachable"
)

// TestApplyRejectRules: the reject rules of QueueConfig.RejectMark end up
// right before the NFQUEUE rule, whatever an earlier ifw setup left, and a
// second Apply changes nothing.
func TestApplyRejectRules(t *testing.T) {
	queue := func(num uint16, mark uint32) *QueueConfig { return &QueueConfig{Num: num, RejectMark: mark} }
	tests := []struct {
		name  string
		setup []string // OUTPUT before Apply
		queue *QueueConfig
		want  []string // OUTPUT after
	}{
		{"fresh", []string{ruleAcceptLoOut}, queue(5, DefaultRejectMark),
			[]string{ruleAcceptLoOut, ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5}},
		{"queue rule of an earlier setup: inserted before it, the SYN rule after it", []string{ruleAcceptLoOut, ruleQueue5, ruleAdminOut}, queue(5, DefaultRejectMark),
			[]string{ruleAcceptLoOut, ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5, ruleAdminOut}},
		{"other queue number: the rules stay before the new queue rule", []string{ruleRejectTCP, ruleReject, ruleQueue6, ruleAdminOut}, queue(5, DefaultRejectMark),
			[]string{ruleRejectTCP, ruleReject, ruleAdminOut, ruleQueue5, ruleSYN5}},
		{"other mark: replaced in place", []string{ruleAcceptLoOut, ruleRejectTCP1, ruleReject1, ruleQueue5, ruleSYN5}, queue(5, DefaultRejectMark),
			[]string{ruleAcceptLoOut, ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5}},
		{"mark 0: deleted", []string{ruleRejectTCP, ruleReject, ruleQueue5}, queue(5, 0), []string{ruleQueue5, ruleSYN5}},
		{"no queue: deleted", []string{ruleAcceptLoOut, ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5}, nil, []string{ruleAcceptLoOut}},
		{"duplicates deleted", []string{ruleRejectTCP, ruleReject, ruleRejectTCP, ruleQueue5, ruleSYN5, ruleSYN5}, queue(5, DefaultRejectMark),
			[]string{ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5}},
	}
	for _, tt := range tests {
		for _, loose := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/loose=%v", tt.name, loose), func(t *testing.T) {
				f := newFake()
				f.loose = loose
				f.setup("iptables", tt.setup...)
				cfg := Config{Families: IPv4, Log: LogConfig{Target: LogNone}, Queue: tt.queue}
				if _, err := Apply(context.Background(), cfg, f.run); err != nil {
					t.Fatal(err)
				}
				if got := chainRules(f, "iptables", "OUTPUT"); !slices.Equal(got, tt.want) {
					t.Errorf("OUTPUT:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
				}
				f.changes = nil
				if rep, err := Apply(context.Background(), cfg, f.run); err != nil || rep.Changed() != 0 {
					t.Errorf("second Apply: %v, %d changes %q", err, rep.Changed(), f.changes)
				}
			})
		}
	}
}

// TestApplyRejectRulesIPv6: ip6tables' reject rule names its own ICMPv6
// code, as ip6tables -S lists it.
func TestApplyRejectRulesIPv6(t *testing.T) {
	f := newFake()
	cfg := Config{Log: LogConfig{Target: LogNone}, Queue: &QueueConfig{Num: 5, RejectMark: DefaultRejectMark}}
	if _, err := Apply(context.Background(), cfg, f.run); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"iptables": {ruleRejectTCP, ruleReject, ruleQueue5, ruleSYN5}, "ip6tables": {ruleRejectTCP, ruleReject6, ruleQueue5, ruleSYN5}}
	for tool, w := range want {
		if got := chainRules(f, tool, "OUTPUT"); !slices.Equal(got, w) {
			t.Errorf("%s OUTPUT:\n%s\nwant\n%s", tool, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
}

func TestApplyMissingSet(t *testing.T) {
	tests := []struct {
		name string
		sets map[string]Family
		kind error
		set  string
	}{
		{"missing IPv4", map[string]Family{DefaultSet6: IPv6}, ErrMissingSet, DefaultSet4},
		{"missing IPv6", map[string]Family{DefaultSet4: IPv4, "ifw-bulk4": IPv4}, ErrMissingSet, DefaultSet6},
		{"missing bulk", map[string]Family{DefaultSet4: IPv4, DefaultSet6: IPv6}, ErrMissingSet, "ifw-bulk4"},
		{"wrong family", map[string]Family{DefaultSet4: IPv6, DefaultSet6: IPv6, "ifw-bulk4": IPv4}, ErrSetFamily, DefaultSet4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.sets = tt.sets
			_, err := Apply(context.Background(), Config{Sets4: []string{DefaultSet4, "ifw-bulk4"}}, f.run)
			var se *SetError
			if !errors.Is(err, tt.kind) || !errors.As(err, &se) || se.Set != tt.set {
				t.Fatalf("Apply = %v, want a %v for %s", err, tt.kind, tt.set)
			}
			if !strings.Contains(err.Error(), tt.set) {
				t.Errorf("error %q does not name the set", err)
			}
			if len(f.changes) != 0 {
				t.Errorf("firewall changed before the set error: %q", f.changes)
			}
		})
	}
}

// TestApplyFollowsTheConfig: a later Apply with another configuration
// deletes the ifw rules the new one no longer plans, and only those.
func TestApplyFollowsTheConfig(t *testing.T) {
	for _, loose := range []bool{false, true} {
		t.Run(fmt.Sprintf("loose=%v", loose), func(t *testing.T) { applyFollowsTheConfig(t, loose) })
	}
}

func applyFollowsTheConfig(t *testing.T, loose bool) {
	f := newFake()
	f.loose = loose
	f.sets["ifw-bulk4"] = IPv4
	f.setup("iptables", "-P INPUT DROP", ruleAcceptLo, "-A OUTPUT -o lo -j ACCEPT")
	ctx := context.Background()
	steps := []struct {
		cfg  Config
		want string
	}{
		{Config{Families: IPv4}, lines("-P INPUT DROP", "-P FORWARD ACCEPT", "-P OUTPUT ACCEPT", "-N IFW-LOG",
			ruleSet4, ruleAcceptLo, ruleHookIn, ruleSet4Fwd, "-A OUTPUT -o lo -j ACCEPT", ruleLog)},
		{Config{Families: IPv4, Sets4: []string{DefaultSet4, "ifw-bulk4"}, Log: LogConfig{Target: LogNFLOG, Group: 5},
			Queue: &QueueConfig{Num: 3, Bypass: true}},
			lines("-P INPUT DROP", "-P FORWARD ACCEPT", "-P OUTPUT ACCEPT", "-N IFW-LOG",
				ruleSet4, "-A INPUT -m set --match-set ifw-bulk4 src -m comment --comment ifw -j DROP", ruleAcceptLo, ruleHookIn,
				ruleSet4Fwd, "-A FORWARD -m set --match-set ifw-bulk4 src -m comment --comment ifw -j DROP",
				"-A OUTPUT -o lo -j ACCEPT",
				"-A OUTPUT ! -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 3 --queue-bypass",
				"-A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack ! --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 3 --queue-bypass",
				"-A IFW-LOG -m comment --comment ifw -j NFLOG --nflog-prefix ifw --nflog-group 5")},
		{Config{Families: IPv4, Log: LogConfig{Target: LogNone}, Queue: &QueueConfig{Num: 0}},
			lines("-P INPUT DROP", "-P FORWARD ACCEPT", "-P OUTPUT ACCEPT", ruleSet4, ruleAcceptLo, ruleSet4Fwd,
				"-A OUTPUT -o lo -j ACCEPT",
				"-A OUTPUT ! -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 0",
				"-A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack ! --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 0")},
	}
	for i, s := range steps {
		if _, err := Apply(ctx, s.cfg, f.run); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := f.listing("iptables"); got != s.want {
			t.Fatalf("step %d: iptables -S:\n%s\nwant\n%s", i, got, s.want)
		}
		f.changes = nil
		if rep, err := Apply(ctx, s.cfg, f.run); err != nil || rep.Changed() != 0 {
			t.Fatalf("step %d again: %v, changed %q", i, err, f.changes)
		}
	}
}

func TestApplyDeletesDuplicates(t *testing.T) {
	f := newFake()
	f.setup("iptables", "-P INPUT DROP", ruleSet4, ruleSet4, ruleAcceptLo, ruleSet4)
	cfg := Config{Families: IPv4, Chains: []string{"INPUT"}}
	rep, err := Apply(context.Background(), cfg, f.run)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := inputRules(f), []string{ruleSet4, ruleAcceptLo, ruleHookIn}; !slices.Equal(got, want) {
		t.Errorf("INPUT = %q, want %q", got, want)
	}
	if rep.Changed() != 5 { // chain, log rule, hook, two copies deleted
		t.Errorf("%d changes, want 5: %+v", rep.Changed(), rep.Steps)
	}
}

func TestRemoveRestoresTheTable(t *testing.T) {
	f := newFake()
	admin := []string{"-P INPUT DROP", "-N MINE", ruleAcceptLo, "-A INPUT -p tcp --dport 22 -j MINE", "-A MINE -j ACCEPT",
		"-A FORWARD -j DROP"}
	f.setup("iptables", admin...)
	f.setup("ip6tables", admin...)
	before4, before6 := f.listing("iptables"), f.listing("ip6tables")
	ctx := context.Background()
	cfg := Config{Queue: &QueueConfig{Num: 1, RejectMark: DefaultRejectMark}}
	if _, err := Apply(ctx, cfg, f.run); err != nil {
		t.Fatal(err)
	}
	if f.listing("iptables") == before4 {
		t.Fatal("Apply changed nothing")
	}
	rep, err := Remove(ctx, Config{}, f.run)
	if err != nil {
		t.Fatal(err)
	}
	if f.listing("iptables") != before4 || f.listing("ip6tables") != before6 {
		t.Errorf("after Remove:\n%s\nwant\n%s", f.listing("iptables"), before4)
	}
	if rep.Changed() != 18 { // per family: 2 set rules, 2 jumps, 2 reject rules, the 2 queue rules, the chain
		t.Errorf("Remove: %d changes, want 18", rep.Changed())
	}
	f.changes = nil
	if rep, err := Remove(ctx, Config{}, f.run); err != nil || rep.Changed() != 0 || len(f.changes) != 0 {
		t.Errorf("second Remove: %v, %q", err, f.changes)
	}
}

func TestRemoveKeepsAReferencedChain(t *testing.T) {
	f := newFake()
	ctx := context.Background()
	cfg := Config{Families: IPv4, Log: LogConfig{Hook: HookNone}}
	if _, err := Apply(ctx, cfg, f.run); err != nil {
		t.Fatal(err)
	}
	f.setup("iptables", "-A INPUT -p tcp -j IFW-LOG")
	_, err := Remove(ctx, cfg, f.run)
	var ce *ChainInUseError
	if !errors.Is(err, ErrChainInUse) || !errors.As(err, &ce) || len(ce.Rules) != 1 {
		t.Fatalf("Remove = %v, want a ChainInUseError naming the admin's jump", err)
	}
	want := lines("-P INPUT ACCEPT", "-P FORWARD ACCEPT", "-P OUTPUT ACCEPT", "-N IFW-LOG", "-A INPUT -p tcp -j IFW-LOG", ruleLog)
	if got := f.listing("iptables"); got != want {
		t.Errorf("after Remove:\n%s\nwant\n%s", got, want)
	}
}

func TestApplyBackend(t *testing.T) {
	tests := []struct {
		name    string
		backend Backend
		version string
		want    Backend
		tool    string
		err     bool
	}{
		{"auto nft", BackendAuto, "v1.8.9 (nf_tables)", BackendNFT, "iptables", false},
		{"auto legacy", BackendAuto, "v1.8.9 (legacy)", BackendLegacy, "iptables", false},
		{"auto old", BackendAuto, "v1.6.1", BackendLegacy, "iptables", false},
		{"forced legacy", BackendLegacy, "v1.8.9 (legacy)", BackendLegacy, "iptables-legacy", false},
		{"forced nft, is legacy", BackendNFT, "v1.8.9 (legacy)", "", "", true},
		{"unknown", BackendAuto, "something else", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.version = tt.version
			rep, err := Apply(context.Background(), Config{Backend: tt.backend}, f.run)
			if (err != nil) != tt.err {
				t.Fatalf("Apply = %v, want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if rep.Backend != tt.want || !strings.HasPrefix(rep.Steps[0].Tool, tt.tool) || !strings.Contains(rep.Version, tt.version) {
				t.Errorf("backend %q tool %q version %q", rep.Backend, rep.Steps[0].Tool, rep.Version)
			}
			if _, ok := f.tables[tt.tool]; !ok {
				t.Errorf("rules not written with %s: %v", tt.tool, f.changes)
			}
		})
	}
}

func TestApplyToolMissing(t *testing.T) {
	missing := func(ctx context.Context, argv []string) (Result, error) {
		return Result{}, errors.New(`exec: "iptables": executable file not found in $PATH`)
	}
	_, err := Apply(context.Background(), Config{}, missing)
	var ce *CommandError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Apply = %v, want a CommandError saying iptables is missing", err)
	}
}

func TestSetErrorText(t *testing.T) {
	f := newFake()
	delete(f.sets, DefaultSet6)
	_, err := Apply(context.Background(), Config{}, f.run)
	want := `firewall: IPv6: ip6tables: ipset set "ifw-block6" does not exist: create the block sets first (ifw setup does, through the block module) ` +
		`(ip6tables -w -C INPUT -m set --match-set ifw-block6 src -m comment --comment ifw -j DROP: exit status 2: ip6tables v1.8.9 (nf_tables): Set ifw-block6 doesn't exist.)`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant\n%s", err, want)
	}
}
