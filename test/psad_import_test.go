package test

import (
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// psadEdit is a psad.conf as an admin may have it: Debian's with some
// values changed.
type psadEdit struct {
	name string
	set  map[string]string
	// ifwOpts are more ifw analyze options: psad's report filter.
	ifwOpts []string
	// known are documented differences, per input and source.
	known map[string]map[netip.Addr]knownDiff
	// windows: psad -A ignores SCAN_TIMEOUT (it reads a log as one scan
	// window); its levels stay Debian's, ifw's may only be lower.
	windows bool
	// sigVars: psad expands psad.conf's variables ($HOME_NET…) in its
	// signatures, ifw reads them as any; ifw's levels stay Debian's,
	// psad's may only be lower.
	sigVars bool
}

// psadEdits are the psad.conf files TestPsadImport imports: Debian's own
// and copies with edits that change psad's levels on the test logs (the
// test checks they do).
var psadEdits = []psadEdit{
	{name: "debian"},
	{name: "danger-levels", set: map[string]string{"DANGER_LEVEL1": "3", "DANGER_LEVEL2": "10",
		"DANGER_LEVEL3": "40", "DANGER_LEVEL4": "100", "DANGER_LEVEL5": "140"}},
	{name: "sweeps", set: map[string]string{"DL1_UNIQUE_HOSTS": "5", "DL2_UNIQUE_HOSTS": "9",
		"DL3_UNIQUE_HOSTS": "12", "DL4_UNIQUE_HOSTS": "20", "DL5_UNIQUE_HOSTS": "24"}},
	{name: "port-range", set: map[string]string{"PORT_RANGE_SCAN_THRESHOLD": "10"},
		// psad counts every valid ICMPv6 packet as one more IP protocol,
		// so 5 echo requests pass PROTOCOL_SCAN_THRESHOLD (5) in psad.
		known: map[string]map[netip.Addr]knownDiff{
			"synthetic": {netip.MustParseAddr("2001:db8:1::102"): {psad: 1, ifw: 0, why: "5 ICMPv6 echoes, psad's protocol count"}},
			"capture":   {netip.MustParseAddr("2001:db8:2::2"): {psad: 1, ifw: 0, why: "ICMPv6 echoes, psad's protocol count"}},
		}},
	{name: "protocol-scan-1", set: map[string]string{"PROTOCOL_SCAN_THRESHOLD": "1"}},
	{name: "ignore-ports", set: map[string]string{"IGNORE_PORTS": "tcp/1000-1010, udp/2000-2003, tcp/22"},
		// 5 NULL packets are left of the synthetic NULL scan: level 1 by
		// count in psad, 2 in ifw by psad's own SCAN NULL rule (flags:0,
		// which psad never matches).
		known: map[string]map[netip.Addr]knownDiff{
			"synthetic": {netip.MustParseAddr("203.0.113.107"): {psad: 1, ifw: 2, why: "SCAN NULL, flags:0, 5 packets"}},
		}},
	{name: "ignore-protocols", set: map[string]string{"IGNORE_PROTOCOLS": "icmp, udp"}},
	{name: "scan-timeout", set: map[string]string{"SCAN_TIMEOUT": "5"}, windows: true},
	// psad -A lists only sources at MIN_DANGER_LEVEL or above: ifw
	// analyze's --min-level (the import makes it the actions' min_level).
	{name: "min-danger-level", set: map[string]string{"MIN_DANGER_LEVEL": "2"}, ifwOpts: []string{"--min-level", "2"}},
	// HOME_NET is not imported (ifw's home_net would ignore packets psad
	// counts); psad's signatures naming $HOME_NET then hit fewer packets.
	{name: "home-net", set: map[string]string{"HOME_NET": "192.0.2.0/24", "ENABLE_INTF_LOCAL_NETS": "N"}, sigVars: true},
	{name: "fw-msg-search", set: map[string]string{"FW_SEARCH_ALL": "N", "FW_MSG_SEARCH": "DROP"}},
	{name: "ignore-prefixes", set: map[string]string{"IGNORE_LOG_PREFIXES": "ifw-drop"}},
}

// TestPsadImport imports Debian's psad.conf and edited copies with `ifw
// import psad`, checks the result with `ifw config check`, and requires
// `ifw analyze --config` with it to give every source of the test logs
// (those of TestPsadCompare) the danger level `psad -A` gives with the
// psad.conf it came from, except for the differences the README documents.
func TestPsadImport(t *testing.T) {
	psad := requirePsad(t)
	inputs, _, synthKnown := psadInputs(t)
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
				opts := append([]string{"--config", imported}, e.ifwOpts...)
				psadDL, ifwDL, _, _ := levelsBoth(t, psad, conf, dir, in.name, in.text, opts...)
				base, ok := debian[in.name]
				if e.set == nil {
					debian[in.name] = psadDL
				} else if ok && !maps.Equal(base, psadDL) {
					changed = true
				}
				t.Run(in.name, func(t *testing.T) {
					known := maps.Clone(e.known[in.name])
					if in.name == "synthetic" {
						known = mergeKnown(synthKnown, known)
					}
					switch {
					case e.windows:
						notAbove(t, ifwDL, psadDL, known, "ifw (its scan windows)")
					case e.sigVars:
						if !ok {
							t.Skip("no levels of Debian's psad.conf to compare with (run the debian case too)")
						}
						compareLevels(t, base, ifwDL, known)
						notAbove(t, psadDL, ifwDL, known, "psad (its signatures' $HOME_NET)")
					default:
						compareLevels(t, psadDL, ifwDL, known)
					}
				})
			}
			switch {
			case e.windows && changed:
				t.Errorf("psad -A's levels changed with %v: the README says it ignores SCAN_TIMEOUT", e.set)
			case !e.windows && e.set != nil && len(debian) > 0 && !changed:
				t.Errorf("psad gives the same levels with %v as with Debian's psad.conf: the edit tests nothing", e.set)
			}
		})
	}
}

// notAbove checks a documented difference that can only lower one tool's
// levels: no source of lo is above its level in hi (known sources aside).
func notAbove(t *testing.T, lo, hi map[netip.Addr]int, known map[netip.Addr]knownDiff, what string) {
	t.Helper()
	lower := 0
	for _, src := range unionKeys(lo, hi) {
		if _, ok := known[src]; ok {
			continue
		}
		switch l, h := lo[src], hi[src]; {
		case l > h:
			t.Errorf("%s: %d, above %d: the difference should only lower the level of %s", src, l, h, what)
		case l < h:
			lower++
		}
	}
	t.Logf("%d sources lower in %s", lower, what)
}

func mergeKnown(a, b map[netip.Addr]knownDiff) map[netip.Addr]knownDiff {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
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
