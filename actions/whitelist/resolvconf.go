package whitelist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strings"
)

// readResolvConf returns the nameservers of the files that exist, as
// protected prefixes. A line that names no address is a warning.
func readResolvConf(paths []string) (out []Protected, warnings []string, err error) {
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, warnings, fmt.Errorf("reading DNS servers: %w", err)
		}
		servers, bad := parseResolvConf(data)
		for _, line := range bad {
			warnings = append(warnings, fmt.Sprintf("%s:%d: nameserver line names no address", path, line))
		}
		for _, a := range servers {
			out = append(out, Protected{Prefix: netip.PrefixFrom(a, a.BitLen()), Why: ReasonDNS, Source: path})
		}
	}
	return out, warnings, nil
}

// parseResolvConf reads the nameserver lines of a resolv.conf: an address,
// IPv6 perhaps with a zone (dropped). bad lists the lines that hold none.
func parseResolvConf(data []byte) (servers []netip.Addr, bad []int) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "nameserver" {
			continue
		}
		if len(f) < 2 {
			bad = append(bad, n)
			continue
		}
		a, err := netip.ParseAddr(f[1])
		if err != nil {
			bad = append(bad, n)
			continue
		}
		servers = append(servers, a.WithZone("").Unmap())
	}
	return servers, bad
}
