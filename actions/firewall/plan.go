package firewall

import (
	"fmt"
	"slices"
	"strconv"
)

// Plan lists what ifw needs in the firewall for cfg, in the order Apply
// makes it: per family, the IFW-LOG chain and its log rule, the set DROP
// rules at the top of INPUT and FORWARD, the jumps to IFW-LOG, the NFQUEUE
// rules (new connections, and TCP SYNs conntrack does not call new),
// preceded by their reject rules. It does not touch the system. cfg should have passed Validate.
func Plan(cfg Config) []Rule {
	cfg = cfg.withDefaults()
	var out []Rule
	for _, fam := range []Family{IPv4, IPv6} {
		if cfg.Families&fam != 0 {
			out = append(out, planFamily(cfg, fam)...)
		}
	}
	return out
}

func planFamily(cfg Config, fam Family) []Rule {
	base := Rule{Family: fam, Tool: toolName(cfg.Backend, fam)}
	var out []Rule
	if cfg.Log.Target != LogNone {
		chain := base
		chain.Kind, chain.Chain, chain.Why = KindChain, LogChain, "ifw's logging chain"
		out = append(out, chain, base.with(LogChain, PlaceEnd, "log what is about to be dropped", logSpec(cfg.Log)))
	}
	sets := cfg.Sets4
	if fam == IPv6 {
		sets = cfg.Sets6
	}
	for _, chain := range cfg.Chains {
		for i, set := range sets {
			r := base.with(chain, PlaceTop, "drop sources in ipset "+set,
				[]string{"-m", "set", "--match-set", set, "src", "-m", "comment", "--comment", Comment, "-j", "DROP"})
			r.Pos = i + 1
			out = append(out, r)
		}
	}
	if cfg.Log.Target != LogNone && cfg.Log.Hook != HookNone {
		place := PlaceBeforeDrop
		if cfg.Log.Hook == HookAppend {
			place = PlaceEnd
		}
		for _, chain := range cfg.Chains {
			out = append(out, base.with(chain, place, "log packets "+chain+" is about to drop",
				[]string{"-m", "comment", "--comment", Comment, "-j", LogChain}))
		}
	}
	if cfg.DNS != nil {
		out = append(out, dnsRules(base, *cfg.DNS, inputTop(cfg, len(sets)))...)
	}
	if cfg.Queue != nil {
		out = append(out, rejectRules(base, cfg.Queue.RejectMark)...)
		out = append(out, base.with("OUTPUT", PlaceEnd, "ask about new outbound connections", queueSpec(*cfg.Queue, newConns)))
		out = append(out, base.with("OUTPUT", PlaceAfterQueue, "ask about TCP connections conntrack takes for an old one",
			queueSpec(*cfg.Queue, reusedTuples)))
	}
	return out
}

// with is a rule like r in chain.
func (r Rule) with(chain string, place Place, why string, spec []string) Rule {
	r.Chain, r.Place, r.Why, r.Spec = chain, place, why, spec
	return r
}

// What the two NFQUEUE rules match, as iptables -S prints it: every
// packet conntrack calls NEW, and every TCP SYN it does not. A SYN that
// reuses the addresses and ports of a connection whose entry is still
// there (CLOSE after a reset by the server, for 10 s) is let through by
// conntrack as a packet of that connection, out of sync, not NEW: a
// program could choose its source port to connect past the queue.
var (
	newConns     = []string{"!", "-o", "lo", "-m", "conntrack", "--ctstate", "NEW"}
	reusedTuples = []string{"!", "-o", "lo", "-p", "tcp", "-m", "tcp", "--tcp-flags", "FIN,SYN,RST,ACK", "SYN",
		"-m", "conntrack", "!", "--ctstate", "NEW"}
)

// queueSpec is the NFQUEUE rule of q for the packets match matches.
func queueSpec(q QueueConfig, match []string) []string {
	spec := slices.Concat(match, []string{"-m", "comment", "--comment", Comment,
		"-j", "NFQUEUE", "--queue-num", strconv.Itoa(int(q.Num))})
	if q.Bypass {
		spec = append(spec, "--queue-bypass")
	}
	return spec
}

// inputTop is the position after ifw's set rules at the top of INPUT.
func inputTop(cfg Config, sets int) int {
	for _, c := range cfg.Chains {
		if c == "INPUT" {
			return sets + 1
		}
	}
	return 1
}

// dnsRules log DNS to the group: the queries the host sends at the top of
// OUTPUT, the answers it receives in INPUT after the set rules (a blocked
// server's answer is dropped before it is read), so that no ACCEPT before
// them (of loopback, of established traffic) hides them. Loopback is
// included: a local stub's answers (systemd-resolved on 127.0.0.53) count.
func dnsRules(base Rule, d DNSConfig, inputPos int) []Rule {
	spec := func(proto, dir string) []string {
		return []string{"-p", proto, "-m", proto, dir, "53", "-m", "comment", "--comment", Comment,
			"-j", "NFLOG", "--nflog-group", strconv.Itoa(int(d.Group))}
	}
	var out []Rule
	for i, proto := range []string{"udp", "tcp"} {
		q := base.with("OUTPUT", PlaceTop, "log the host's DNS queries ("+proto+") for the names of destinations", spec(proto, "--dport"))
		q.Pos = i + 1
		a := base.with("INPUT", PlaceTop, "log the DNS answers ("+proto+") the host receives", spec(proto, "--sport"))
		a.Pos = inputPos + i
		out = append(out, q, a)
	}
	return out
}

// rejectRules are the rules in OUTPUT that reject what the outbound
// module marked with mark (none for mark 0), in iptables -S order: the mark
// as iptables prints it, the family's default --reject-with spelled out as
// iptables lists it.
func rejectRules(base Rule, mark uint32) []Rule {
	if mark == 0 {
		return nil
	}
	m := fmt.Sprintf("0x%x", mark)
	if mark != ^uint32(0) { // iptables prints a full mask as no mask
		m += "/" + m
	}
	unreachable := "icmp-port-unreachable"
	if base.Family == IPv6 {
		unreachable = "icmp6-port-unreachable"
	}
	spec := func(with string) []string {
		return []string{"-m", "mark", "--mark", m, "-m", "comment", "--comment", Comment, "-j", "REJECT", "--reject-with", with}
	}
	return []Rule{
		base.with("OUTPUT", PlaceBeforeQueue, "reset TCP connections the outbound module rejects",
			append([]string{"-p", "tcp"}, spec("tcp-reset")...)),
		base.with("OUTPUT", PlaceBeforeQueue, "refuse other connections the outbound module rejects", spec(unreachable)),
	}
}

// logSpec is the IFW-LOG rule, in iptables -S order.
func logSpec(l LogConfig) []string {
	spec := []string{"-m", "comment", "--comment", Comment}
	if l.Target == LogNFLOG {
		spec = append(spec, "-j", "NFLOG", "--nflog-prefix", l.Prefix)
		if l.Group != 0 {
			spec = append(spec, "--nflog-group", strconv.Itoa(int(l.Group)))
		}
		return spec
	}
	return append(spec, "-j", "LOG", "--log-prefix", l.Prefix,
		"--log-tcp-sequence", "--log-tcp-options", "--log-ip-options")
}

// toolName is the command for a backend and family.
func toolName(b Backend, fam Family) string {
	name := "iptables"
	if fam == IPv6 {
		name = "ip6tables"
	}
	if b != BackendAuto {
		name += "-" + string(b)
	}
	return name
}
