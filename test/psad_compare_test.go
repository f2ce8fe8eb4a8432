package test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/test/testenv"
)

// psad's own files (Debian package psad) that ifw must score as psad does.
const (
	psadSigs   = "/etc/psad/signatures"
	psadAutoDL = "/etc/psad/auto_dl"
	psadConf   = "/etc/psad/psad.conf"
)

// TestPsadCompare runs `psad -A` and `ifw analyze` with psad's own
// signatures and auto_dl on the same logs and compares the danger level of
// every source: a synthetic log with one source per scan class and
// threshold and one source per psad signature (a single packet that hits
// it), the nmap capture of sources/logline, and a test/loggen log.
//
// Compared are the packets psad reads: lines psad refuses (it writes them to
// its error log) are left out of ifw's input, and so are the packets psad
// drops on purpose and ifw does not (TCP ACK/RST, see the README's
// "Differences from psad"); the host's own packets (OUTPUT chain), which
// ifw ignores and psad counts, are left out of both.
func TestPsadCompare(t *testing.T) {
	psad := requirePsad(t)
	dir := t.TempDir()
	conf := psadTempConf(t, dir, psadConf)

	inputs, ackSrc, known := psadInputs(t)
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			psadDL, ifwDL, refused, log := levelsBoth(t, psad, conf, dir, in.name, in.text, psadLists...)
			if in.name == "synthetic" {
				for l := range refused {
					t.Errorf("psad refused a line of the synthetic log: %s", l)
				}
			}
			compareLevels(t, psadDL, ifwDL, known)
			if in.name == "synthetic" {
				// The documented difference: psad drops ACK/RST packets, ifw
				// scores an ACK scan.
				all := filepath.Join(dir, "all.log")
				writeFile(t, all, dropLines(readFile(t, log), func(l string) bool { return refused[l] }))
				if p, i := psadDL[ackSrc], ifwLevels(t, all, psadLists...)[ackSrc]; p != 0 || i < 1 {
					t.Errorf("ACK scan from %s: psad level %d (want 0), ifw level %d (want 1 or more)", ackSrc, p, i)
				}
			}
		})
	}
}

// psadInput is a log both psad and ifw read.
type psadInput struct{ name, text string }

// psadInputs are the logs of the comparisons: the synthetic log, the nmap
// capture and a test/loggen log; with the synthetic log's ACK scan source
// and documented differences.
func psadInputs(t *testing.T) ([]psadInput, netip.Addr, map[netip.Addr]knownDiff) {
	t.Helper()
	syn, ackSrc, known := synthLog(t)
	out, err := exec.Command("go", "run", "./loggen", "-lines", "4000", "-seed", "7").Output()
	if err != nil {
		t.Fatalf("loggen: %v", err)
	}
	return []psadInput{
		{"synthetic", syn},
		{"capture", readFile(t, "../sources/logline/testdata/captures/syslog-bsd.log")},
		{"loggen", string(out)},
	}, ackSrc, known
}

// levelsBoth writes text without the host's own packets to dir/name.log,
// runs psad -A with conf on it and ifw analyze with opts on the packets
// psad reads (neither refused nor dropped on purpose, see psadIgnores),
// and returns both tools' levels, the lines psad refused and the log.
func levelsBoth(t *testing.T, psad, conf, dir, name, text string, opts ...string) (psadDL, ifwDL map[netip.Addr]int, refused map[string]bool, log string) {
	t.Helper()
	log = filepath.Join(dir, name+".log")
	writeFile(t, log, dropLines(text, isOutputChain))
	psadDL, refused = runPsadA(t, psad, conf, dir, log)
	same := filepath.Join(dir, name+".same.log")
	writeFile(t, same, dropLines(readFile(t, log), func(l string) bool { return refused[l] || psadIgnores(l) }))
	ifwDL = ifwLevels(t, same, opts...)
	t.Logf("%s: %d sources at level 1+ in psad, %d in ifw; %d lines psad refused", name, len(psadDL), len(ifwDL), len(refused))
	return psadDL, ifwDL, refused, log
}

// requirePsad returns psad's path; it skips without psad (fails under CI).
func requirePsad(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("psad")
	if err != nil {
		path = "/usr/sbin/psad"
	}
	for _, f := range []string{path, psadSigs, psadAutoDL, psadConf} {
		if _, err := os.Stat(f); err != nil {
			testenv.Missing(t, "psad is not installed (make deps): %v", err)
		}
	}
	return path
}

// psadTempConf writes a copy of the psad.conf at src whose every writable
// path is under dir, with no lookups and no alerts, so that psad -A leaves
// the host alone.
func psadTempConf(t *testing.T, dir, src string) string {
	t.Helper()
	path := filepath.Join(dir, "psad.conf")
	writeFile(t, path, setPsadKeys(readFile(t, src), map[string]string{
		"PSAD_DIR": dir + "/var", "PSAD_RUN_DIR": dir + "/run", "PSAD_FIFO_DIR": dir + "/lib",
		"CONF_ARCHIVE_DIR": dir + "/archive", "ENABLE_WHOIS_LOOKUPS": "N", "ENABLE_DNS_LOOKUPS": "N",
		"ALERTING_METHODS": "noemail,nosyslog", "ENABLE_AUTO_IDS": "N", "ENABLE_DSHIELD_ALERTS": "N",
		"SIGS_FILE": psadSigs, "AUTO_DL_FILE": psadAutoDL,
	}))
	return path
}

// setPsadKeys returns the psad.conf text with the value of each key of set
// replaced (a key psad.conf does not have is added at the end).
func setPsadKeys(text string, set map[string]string) string {
	var b strings.Builder
	done := map[string]bool{}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if f := strings.Fields(line); len(f) > 0 && set[f[0]] != "" {
			line = f[0] + " " + set[f[0]] + ";"
			done[f[0]] = true
		}
		b.WriteString(line + "\n")
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if !done[k] {
			b.WriteString(k + " " + set[k] + ";\n")
		}
	}
	return b.String()
}

var psadSrcRe = regexp.MustCompile(`(?m)^SRC:\s+([0-9a-fA-F:.]+).*?DL: (\d)`)

// runPsadA runs psad -A on log and returns the level of each source it
// lists and the lines it refused (its error log).
func runPsadA(t *testing.T, psad, conf, dir, log string) (map[netip.Addr]int, map[string]bool) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(psad, "-c", conf, "-A", "-m", log, "--no-whois", "--no-rdns", "--no-fwcheck", "--no-netstat")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psad -A: %v\n%s", err, out)
	}
	t.Logf("psad -A %s: %.1fs", filepath.Base(log), time.Since(start).Seconds())
	levels := map[netip.Addr]int{}
	for _, m := range psadSrcRe.FindAllStringSubmatch(string(out), -1) {
		a, err := netip.ParseAddr(m[1])
		if err != nil {
			t.Fatalf("psad listed %q: %v", m[1], err)
		}
		levels[a.Unmap()], _ = strconv.Atoi(m[2])
	}
	if len(levels) == 0 && strings.Contains(string(out), "Tracking 0") == false {
		t.Fatalf("no source in psad's report:\n%s", out)
	}
	refused := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(dir, "var/ipt_analysis/errs/fwerrorlog")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(l) != "" {
				refused[l] = true
			}
		}
	}
	return levels, refused
}

// psadLists are the ifw analyze options that read psad's own files.
var psadLists = []string{"--signatures", psadSigs, "--auto-dl", psadAutoDL}

// ifwLevels runs ifw analyze --json with opts on log and returns each
// source's level (1 or more).
func ifwLevels(t *testing.T, log string, opts ...string) map[netip.Addr]int {
	t.Helper()
	cmd := exec.Command(ifwBin, append(append([]string{"analyze", "--json"}, opts...), log)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ifw analyze %s: %v\n%s", strings.Join(opts, " "), err, stderr.String())
	}
	levels := map[netip.Addr]int{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a struct {
			Src   netip.Addr `json:"src"`
			Level int        `json:"danger_level"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		levels[a.Src.Unmap()] = a.Level
	}
	return levels
}

// knownDiff is a documented difference: the levels psad and ifw give the
// source that shows it.
type knownDiff struct {
	psad, ifw int
	why       string
}

func compareLevels(t *testing.T, psad, ifw map[netip.Addr]int, known map[netip.Addr]knownDiff) {
	t.Helper()
	var diffs []string
	for _, src := range unionKeys(psad, ifw) {
		p, i := psad[src], ifw[src]
		if k, ok := known[src]; ok {
			if p != k.psad || i != k.ifw {
				t.Errorf("%s (%s): psad %d, ifw %d; the README says psad %d, ifw %d", src, k.why, p, i, k.psad, k.ifw)
			}
			continue
		}
		if p != i {
			diffs = append(diffs, fmt.Sprintf("%s: psad %d, ifw %d", src, p, i))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%d sources differ:\n  %s", len(diffs), strings.Join(diffs, "\n  "))
	}
}

func unionKeys(a, b map[netip.Addr]int) []netip.Addr {
	var out []netip.Addr
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

var tcpFlagsRe = regexp.MustCompile(`PROTO=TCP .*WINDOW=\d+ (.*)URGP=`)

// psadIgnores reports a packet psad drops before counting it: TCP with ACK
// or RST (its IGNORE_CONNTRACK_BUG_PKTS, on by default).
func psadIgnores(line string) bool {
	m := tcpFlagsRe.FindStringSubmatch(line)
	return m != nil && (strings.Contains(m[1], "ACK") || strings.Contains(m[1], "RST"))
}

// isOutputChain reports a packet the host itself sent (IN= empty).
func isOutputChain(line string) bool {
	return strings.Contains(line, " IN= OUT=") && !strings.Contains(line, " OUT= ")
}

func dropLines(text string, drop func(string) bool) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if !drop(l) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// logPkt is one packet of the synthetic log.
type logPkt struct {
	src, dst              netip.Addr
	proto                 string // TCP, UDP, ICMP or a number
	sport, dport          int
	flags                 string // as iptables logs them: "SYN", "" (no flag), "URG PSH FIN"
	ttl, id, win, payload int
	length                int // IP total length; 0: from the payload
	itype, icode          int
	icmpID, icmpSeq       int
	seq                   int64
	ipopts                string // hex, as logged after OPT
}

func newPkt(src, dst netip.Addr, proto string) logPkt {
	return logPkt{src: src, dst: dst, proto: proto, sport: 40000, dport: 40001, flags: "SYN",
		ttl: 50, id: 4242, win: 1024, itype: 8, icmpID: 1, icmpSeq: 1}
}

// logAddr writes an address as iptables does (IPv6 in full).
func logAddr(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	b := a.As16()
	var parts []string
	for i := 0; i < 16; i += 2 {
		parts = append(parts, fmt.Sprintf("%02x%02x", b[i], b[i+1]))
	}
	return strings.Join(parts, ":")
}

// line formats p as a kernel LOG line in BSD syslog, n-th of the log.
func (p logPkt) line(n int) string {
	ts := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).Add(time.Duration(n) * 100 * time.Millisecond)
	head := fmt.Sprintf("%s vm kernel: [%6d.%06d] ifw-drop IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 ",
		ts.Format(time.Stamp), 1000+n/10, (n%10)*100000)
	opt := ""
	if p.ipopts != "" {
		opt = "OPT (" + p.ipopts + ") "
	}
	l4, l4len := p.l4()
	length := p.length
	if length == 0 {
		length = 20 + len(p.ipopts)/2 + l4len + p.payload
		if p.src.Is6() {
			length = 40 + l4len + p.payload
		}
	}
	if p.src.Is6() {
		return head + fmt.Sprintf("SRC=%s DST=%s LEN=%d TC=0 HOPLIMIT=%d FLOWLBL=0 %s", logAddr(p.src), logAddr(p.dst), length, p.ttl, l4)
	}
	return head + fmt.Sprintf("SRC=%s DST=%s LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d %s%s", p.src, p.dst, length, p.ttl, p.id, opt, l4)
}

// l4 is the transport part of the line and its header length.
func (p logPkt) l4() (string, int) {
	switch p.proto {
	case "TCP":
		seq, flags := "", p.flags
		if p.seq != 0 {
			seq = fmt.Sprintf("SEQ=%d ACK=0 ", p.seq)
		}
		if flags != "" {
			flags += " "
		}
		return fmt.Sprintf("PROTO=TCP SPT=%d DPT=%d %sWINDOW=%d RES=0x00 %sURGP=0 ", p.sport, p.dport, seq, p.win, flags), 20
	case "UDP":
		return fmt.Sprintf("PROTO=UDP SPT=%d DPT=%d LEN=%d ", p.sport, p.dport, 8+p.payload), 8
	case "ICMP", "ICMPv6":
		s := fmt.Sprintf("PROTO=%s TYPE=%d CODE=%d ", p.proto, p.itype, p.icode)
		if p.itype == 0 || p.itype == 8 || p.itype == 128 || p.itype == 129 {
			s += fmt.Sprintf("ID=%d SEQ=%d ", p.icmpID, p.icmpSeq)
		}
		return s, 8
	}
	return "PROTO=" + p.proto + " ", 0
}

// synthLog builds the synthetic log and returns it with the source of its
// ACK scan (the packets psad ignores) and the sources of documented
// differences.
func synthLog(t *testing.T) (string, netip.Addr, map[netip.Addr]knownDiff) {
	t.Helper()
	var pkts []logPkt
	scanner := netip.MustParseAddr("203.0.113.100")
	next := func() netip.Addr { scanner = scanner.Next(); return scanner }
	victim := netip.MustParseAddr("192.0.2.10")
	tcpScan := func(flags string, ports int) {
		src := next()
		for i := range ports {
			p := newPkt(src, victim, "TCP")
			p.flags, p.dport = flags, 1000+i
			pkts = append(pkts, p)
		}
	}
	// Every scan class at the thresholds: 4, 5, 14, 15 and 150 packets.
	for _, n := range []int{4, 5, 14, 15, 150} {
		tcpScan("SYN", n)
	}
	for _, flags := range []string{"FIN", "", "URG PSH FIN", "SYN FIN"} {
		tcpScan(flags, 16)
	}
	ackSrc := scanner.Next()
	tcpScan("ACK", 20)
	tcpScan("ACK FIN", 20) // Maimon: ignored by psad too
	src := next()          // the same port again and again: not a scan
	for range 20 {
		p := newPkt(src, victim, "TCP")
		p.dport = 2000
		pkts = append(pkts, p)
	}
	for _, n := range []int{5, 16} { // UDP scans
		src := next()
		for i := range n {
			p := newPkt(src, victim, "UDP")
			p.dport = 2000 + i
			pkts = append(pkts, p)
		}
	}
	for _, n := range []int{4, 5, 16, 150} { // pings, timestamp requests
		for _, typ := range []int{8, 13} {
			src := next()
			for i := range n {
				p := newPkt(src, victim, "ICMP")
				p.itype, p.icmpSeq = typ, i+1
				pkts = append(pkts, p)
			}
		}
	}
	src = next() // an ICMP type that does not exist
	p := newPkt(src, victim, "ICMP")
	p.itype = 99
	pkts = append(pkts, p)
	src = next() // an IP protocol scan
	for _, proto := range []string{"TCP", "UDP", "ICMP", "47", "50", "132"} {
		pkts = append(pkts, newPkt(src, victim, proto))
	}
	for _, n := range []int{9, 10, 25} { // sweeps of port 22
		src := next()
		for i := range n {
			p := newPkt(src, netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + i)}), "TCP")
			p.dport = 22
			pkts = append(pkts, p)
		}
	}
	v6, v6victim := netip.MustParseAddr("2001:db8:1::100"), netip.MustParseAddr("2001:db8:2::10")
	for _, n := range []int{5, 16} { // IPv6 SYN scans and pings
		v6 = v6.Next()
		for i := range n {
			p := newPkt(v6, v6victim, "TCP")
			p.dport = 3000 + i
			pkts = append(pkts, p)
		}
		v6 = v6.Next()
		for i := range n {
			p := newPkt(v6, v6victim, "ICMPv6")
			p.itype, p.icmpSeq = 128, i+1
			pkts = append(pkts, p)
		}
	}
	sigPkts, bySig := signaturePackets(t)
	pkts = append(pkts, sigPkts...)
	known := map[netip.Addr]knownDiff{
		// psad 2.4.6 makes flags:0 an empty string and compares it with the
		// packet's "NULL": its SCAN NULL rule never matches one packet.
		bySig[100067]: {psad: 0, ifw: 2, why: "SCAN NULL, flags:0"},
	}
	var b strings.Builder
	for i, p := range pkts {
		b.WriteString(p.line(i) + "\n")
	}
	return b.String(), ackSrc, known
}

var nameRe = regexp.MustCompile(`name="(?:[^"\\]|\\.)*"`)
var condRe = regexp.MustCompile(`^([a-z]+)(=|!=|<=|>=|<|>)?(.*)$`)

// signaturePackets returns, for every rule of psad's file, one packet that
// hits it (as ifw reads the rule), each from its own source, and the
// source of each rule.
func signaturePackets(t *testing.T) ([]logPkt, map[int]netip.Addr) {
	t.Helper()
	set, err := rules.LoadPsad(psadSigs)
	if err != nil {
		t.Fatal(err)
	}
	src := netip.MustParseAddr("198.51.100.0")
	victim := netip.MustParseAddr("192.0.2.20")
	var out []logPkt
	bySig := map[int]netip.Addr{}
	for _, r := range set.Rules() {
		src = src.Next()
		if src == netip.MustParseAddr("198.51.100.255") {
			src = netip.MustParseAddr("192.0.2.128")
		}
		p, ok := hitPacket(r.String(), src, victim)
		if !ok {
			t.Errorf("rule %d: no hit packet generated: %s", r.ID, r)
			continue
		}
		out = append(out, p)
		bySig[r.ID] = p.src
	}
	return out, bySig
}

// hitPacket builds a packet meeting every condition of an ifw-format rule.
func hitPacket(rule string, src, dst netip.Addr) (logPkt, bool) {
	fields := strings.Fields(nameRe.ReplaceAllString(rule, ""))
	proto := "UDP" // "ip" rules: a UDP packet to an unremarkable port
	for _, f := range fields {
		if v, ok := strings.CutPrefix(f, "proto="); ok {
			proto = strings.ToUpper(v)
		}
	}
	p := newPkt(src, dst, proto)
	if proto == "TCP" {
		p.flags = "SYN"
	}
	for _, f := range fields {
		m := condRe.FindStringSubmatch(f)
		if m == nil {
			return p, false
		}
		key, op, val := m[1], m[2], m[3]
		n := pickValue(op, val)
		switch key {
		case "id", "level", "class", "proto", "bidir":
		case "dport":
			p.dport = n
		case "sport":
			p.sport = n
		case "flags":
			p.flags = logFlags(val)
		case "dsize":
			p.payload = n
		case "len":
			p.length = n
		case "udplen":
			p.payload = n - 8
		case "itype":
			p.itype = n
		case "icode":
			p.icode = n
		case "icmpid":
			p.icmpID = n
		case "icmpseq":
			p.icmpSeq = n
		case "ipid":
			p.id = n
		case "ttl":
			p.ttl = n
		case "window":
			p.win = n
		case "seq":
			p.seq = int64(n)
		case "ipopts":
			p.ipopts = map[string]string{"lsrr": "8307040000000000", "lsrre": "8407040000000000",
				"ssrr": "8907040000000000", "rr": "0707040000000000"}[val]
		case "src", "dst":
			pre, err := netip.ParsePrefix(strings.Split(val, ",")[0])
			if err != nil {
				a, err2 := netip.ParseAddr(strings.Split(val, ",")[0])
				if err2 != nil {
					return p, false
				}
				pre = netip.PrefixFrom(a, a.BitLen())
			}
			a := pre.Addr()
			if pre.Bits() < a.BitLen() {
				a = a.Next()
			}
			if key == "src" {
				p.src = a
			} else {
				p.dst = a
			}
		case "sameip":
			p.dst = p.src
		default:
			return p, false
		}
	}
	return p, true
}

// pickValue picks a number that a condition "op val" accepts.
func pickValue(op, val string) int {
	num := func(s string) int {
		n, _ := strconv.ParseInt(s, 0, 64)
		return int(n)
	}
	switch op {
	case "<":
		return num(val) - 1
	case ">":
		return num(val) + 1
	case "<=", ">=":
		return num(val)
	case "!=":
		return num(val) + 1
	}
	var neg []int
	for _, item := range strings.Split(val, ",") {
		if v, ok := strings.CutPrefix(item, "!"); ok {
			neg = append(neg, num(strings.Split(v, "-")[0]))
			continue
		}
		switch {
		case strings.HasPrefix(item, "<="), strings.HasPrefix(item, ">="):
			return num(item[2:])
		case strings.HasPrefix(item, "<"):
			return num(item[1:]) - 1
		case strings.HasPrefix(item, ">"):
			return num(item[1:]) + 1
		}
		return num(strings.Split(item, "-")[0])
	}
	if len(neg) > 0 {
		return neg[0] + 1
	}
	return 0
}

// logFlags turns snort-style flags (FS, 0, +S, S,EC) into iptables' words.
func logFlags(v string) string {
	v, _, _ = strings.Cut(strings.TrimLeft(v, "+*"), ",")
	if strings.HasPrefix(v, "!") || v == "0" {
		return ""
	}
	var words []string
	for _, f := range []struct {
		c    byte
		word string
	}{{'C', "CWR"}, {'E', "ECE"}, {'U', "URG"}, {'A', "ACK"}, {'P', "PSH"}, {'R', "RST"}, {'S', "SYN"}, {'F', "FIN"}} {
		if strings.IndexByte(v, f.c) >= 0 {
			words = append(words, f.word)
		}
	}
	return strings.Join(words, " ")
}
