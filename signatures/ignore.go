package signatures

import (
	"net/netip"
	"strings"

	"github.com/ifw/ifw/sources"
)

// IgnoreReason is why Observe did not count a packet.
type IgnoreReason uint8

// Ignore reasons.
const (
	IgnoreInvalid   IgnoreReason = iota // no valid source address
	IgnoreChain                         // chain in Config.IgnoreChains
	IgnoreRequired                      // prefix matches no Config.RequirePrefix
	IgnoreLogPrefix                     // Config.IgnoreLogPrefixes
	IgnoreInterface                     // Config.IgnoreInterfaces
	IgnoreProtocol                      // Config.IgnoreProtocols
	IgnorePort                          // Config.IgnorePorts
	IgnoreSource                        // Config.IgnoreSources
	IgnoreHomeNet                       // destination outside Config.HomeNet
	IgnoreAutoDL                        // auto_dl level 0
	numIgnoreReasons
)

var ignoreNames = [numIgnoreReasons]string{
	"invalid", "chain", "require_prefix", "log_prefix", "interface",
	"protocol", "port", "source", "home_net", "auto_dl",
}

func (r IgnoreReason) String() string {
	if r < numIgnoreReasons {
		return ignoreNames[r]
	}
	return "unknown"
}

// filter is the compiled form of the ignore lists.
type filter struct {
	chains     [4]bool
	required   []string
	logPrefix  []string
	ifExact    map[string]struct{}
	ifPrefix   []string
	protos     [256]bool
	ports      []PortRange
	srcs       prefixSet
	home       prefixSet
	anyIfaceOK bool
}

func newFilter(c *Config) *filter {
	f := &filter{
		required:  c.RequirePrefix,
		logPrefix: c.IgnoreLogPrefixes,
		ports:     c.IgnorePorts,
		srcs:      newPrefixSet(c.IgnoreSources),
		home:      newPrefixSet(c.HomeNet),
	}
	for _, ch := range c.IgnoreChains {
		f.chains[ch] = true
	}
	for _, pr := range c.IgnoreProtocols {
		f.protos[pr] = true
	}
	for _, name := range c.IgnoreInterfaces {
		if p, ok := strings.CutSuffix(name, "+"); ok {
			f.ifPrefix = append(f.ifPrefix, p)
			continue
		}
		if f.ifExact == nil {
			f.ifExact = make(map[string]struct{})
		}
		f.ifExact[name] = struct{}{}
	}
	f.anyIfaceOK = len(f.ifExact) == 0 && len(f.ifPrefix) == 0
	return f
}

// check returns why p (with canonical src and dst) is ignored, if it is.
func (f *filter) check(p *sources.Packet, src, dst netip.Addr) (IgnoreReason, bool) {
	switch {
	case !src.IsValid():
		return IgnoreInvalid, true
	case int(p.Chain) < len(f.chains) && f.chains[p.Chain]:
		return IgnoreChain, true
	case len(f.required) > 0 && !containsAny(p.Prefix, f.required):
		return IgnoreRequired, true
	case len(f.logPrefix) > 0 && containsAny(p.Prefix, f.logPrefix):
		return IgnoreLogPrefix, true
	case !f.anyIfaceOK && f.ifaceIgnored(p.In):
		return IgnoreInterface, true
	case f.protos[p.Proto]:
		return IgnoreProtocol, true
	case len(f.ports) > 0 && f.portIgnored(p):
		return IgnorePort, true
	case !f.srcs.empty() && f.srcs.contains(src):
		return IgnoreSource, true
	case !f.home.empty() && !f.home.contains(dst):
		return IgnoreHomeNet, true
	}
	return 0, false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func (f *filter) ifaceIgnored(in string) bool {
	if in == "" {
		return false
	}
	if _, ok := f.ifExact[in]; ok {
		return true
	}
	for _, p := range f.ifPrefix {
		if strings.HasPrefix(in, p) {
			return true
		}
	}
	return false
}

func (f *filter) portIgnored(p *sources.Packet) bool {
	port, ok := dstPort(p)
	if !ok {
		return false
	}
	for _, r := range f.ports {
		if r.Contains(p.Proto, port) {
			return true
		}
	}
	return false
}

// dstPort is p's destination port when p is a first fragment (or not a
// fragment) of a protocol with ports.
func dstPort(p *sources.Packet) (uint16, bool) {
	if !p.Has(sources.HasPorts) || p.IsFragment() || !sources.HasPortsProto(p.Proto) {
		return 0, false
	}
	return p.DstPort, true
}
