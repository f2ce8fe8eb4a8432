package daemon

import (
	"fmt"
	"strconv"

	"github.com/ifw/ifw/sources/userdb"
)

// defaultDNSResolvers are the users whose DNS queries teach names for
// every user when [verdict] dns_resolvers is not set: root and the usual
// resolver daemons (those that exist here).
var defaultDNSResolvers = []string{"root", "systemd-resolve", "dnsmasq", "unbound", "bind", "pdns", "knot-resolver"}

// dnsResolverUIDs turns the configured resolver users (nil: the defaults,
// skipping those that do not exist) into uids; a configured user that
// does not exist is an error.
func dnsResolverUIDs(names []string) ([]uint32, error) {
	def := names == nil
	if def {
		names = defaultDNSResolvers
	}
	var out []uint32
	for _, n := range names {
		if uid, err := strconv.ParseUint(n, 10, 32); err == nil {
			out = append(out, uint32(uid))
			continue
		}
		u, err := userdb.Lookup(n)
		if err != nil {
			if def {
				continue
			}
			return nil, fmt.Errorf("[verdict] dns_resolvers: %w", err)
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("[verdict] dns_resolvers: user %s: uid %q", n, u.Uid)
		}
		out = append(out, uint32(uid))
	}
	return out, nil
}
