package test

import (
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// psadEdit is a psad.conf as an admin may have it: Debian's with some
// values changed.
type psadEdit struct {
	name string
	set  map[string]string
}

// psadEdits are the psad.conf files TestPsadImport imports: Debian's own
// and copies with edits that change psad's levels on the test logs (the
// test checks they do).
var psadEdits = []psadEdit{
	{"debian", nil},
	{"danger-levels", map[string]string{"DANGER_LEVEL1": "3", "DANGER_LEVEL2": "10",
		"DANGER_LEVEL3": "40", "DANGER_LEVEL4": "100", "DANGER_LEVEL5": "140"}},
	{"port-range", map[string]string{"PORT_RANGE_SCAN_THRESHOLD": "10"}},
	{"protocol-scan", map[string]string{"PROTOCOL_SCAN_THRESHOLD": "3"}},
	{"ignore-ports", map[string]string{"IGNORE_PORTS": "tcp/1000-1010, udp/2000-2003, tcp/22"}},
	{"ignore-protocols", map[string]string{"IGNORE_PROTOCOLS": "icmp, udp"}},
	{"scan-timeout", map[string]string{"SCAN_TIMEOUT": "5"}},
	{"sweeps", map[string]string{"DL1_UNIQUE_HOSTS": "5", "DL2_UNIQUE_HOSTS": "9",
		"DL3_UNIQUE_HOSTS": "12", "DL4_UNIQUE_HOSTS": "20", "DL5_UNIQUE_HOSTS": "24"}},
	{"min-danger-level", map[string]string{"MIN_DANGER_LEVEL": "2"}},
	{"home-net", map[string]string{"HOME_NET": "192.0.2.0/24", "ENABLE_INTF_LOCAL_NETS": "N"}},
	{"fw-msg-search", map[string]string{"FW_SEARCH_ALL": "N", "FW_MSG_SEARCH": "DROP"}},
	{"ignore-prefixes", map[string]string{"IGNORE_LOG_PREFIXES": "ifw-drop"}},
}

// TestPsadImport imports Debian's psad.conf and edited copies with `ifw
// import psad`, checks the result with `ifw config check`, and requires
// `ifw analyze --config` with it to give every source of the test logs the
// danger level `psad -A` gives with the psad.conf it came from.
func TestPsadImport(t *testing.T) {
	psad := requirePsad(t)
	inputs, _, known := psadInputs(t)
	debian := map[string]map[netip.Addr]int{}
	for _, e := range psadEdits {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			etc := filepath.Join(dir, "etc-psad")
			if err := os.Mkdir(etc, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(etc, "psad.conf"), setPsadKeys(readFile(t, psadConf), e.set))
			writeFile(t, filepath.Join(etc, "signatures"), readFile(t, psadSigs))
			writeFile(t, filepath.Join(etc, "auto_dl"), readFile(t, psadAutoDL))
			imported := filepath.Join(dir, "ifw.conf")
			runIfw(t, "import", "psad", etc, "--out", imported)
			runIfw(t, "config", "check", "--config", imported)
			conf := psadTempConf(t, dir, filepath.Join(etc, "psad.conf"))
			changed := false
			for _, in := range inputs {
				psadDL, ifwDL, _, _ := levelsBoth(t, psad, conf, dir, in.name, in.text, "--config", imported)
				if e.set == nil {
					debian[in.name] = psadDL
				} else if base, ok := debian[in.name]; ok && !maps.Equal(base, psadDL) {
					changed = true
				}
				t.Run(in.name, func(t *testing.T) { compareLevels(t, psadDL, ifwDL, known) })
			}
			if e.set != nil && len(debian) > 0 && !changed {
				t.Errorf("psad gives the same levels with %v as with Debian's psad.conf: the edit tests nothing", e.set)
			}
		})
	}
}

// runIfw runs ifw with args and fails the test if it fails.
func runIfw(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(ifwBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ifw %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var _ = slices.Sorted[string]
