package psadconf

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// DefaultDir is where psad keeps its configuration.
const DefaultDir = "/etc/psad"

// Result is an import: the ifw.conf text and notes for the admin (what
// to look at before using it).
type Result struct {
	Text  string
	Notes []string
}

// Import reads DIR/psad.conf and translates it; DIR's signatures and
// auto_dl files, when present, are named by the imported [detect].
func Import(dir string) (*Result, error) {
	path := filepath.Join(dir, "psad.conf")
	// O_NONBLOCK: a FIFO does not wait for a writer, it is refused below.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	c, err := Parse(f, path)
	if err != nil {
		return nil, err
	}
	return Translate(c, dir), nil
}

// translation is an import in progress: the sections written and the keys
// they used.
type translation struct {
	c     *Conf
	dir   string
	used  map[string]bool
	b     strings.Builder
	notes []string
}

// Translate writes the ifw.conf of c; dir is where psad's signatures and
// auto_dl files are looked for.
func Translate(c *Conf, dir string) *Result {
	t := &translation{c: c, dir: dir, used: map[string]bool{}}
	fmt.Fprintf(&t.b, "# ifw.conf imported from %s by `ifw import psad`.\n", c.Name)
	t.b.WriteString("# Check it with `ifw config check --config FILE`; etc/ifw.conf documents every key.\n")
	t.source()
	t.detect()
	t.block()
	t.actions()
	t.rest()
	return &Result{Text: t.b.String(), Notes: t.notes}
}

// get is key's value (marking it imported), "" when absent.
func (t *translation) get(key string) string {
	t.used[key] = true
	v, _ := t.c.Get(key)
	return v
}

func (t *translation) yes(key string) bool { return strings.EqualFold(t.get(key), "Y") }

func (t *translation) key(k, v string) {
	if v == "" {
		fmt.Fprintf(&t.b, "%s =\n", k)
		return
	}
	fmt.Fprintf(&t.b, "%s = %s\n", k, v)
}

func (t *translation) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// none is psad's empty list.
func none(v string) string {
	if strings.EqualFold(v, "NONE") {
		return ""
	}
	return v
}

// source: psad reads the journal when journalctl is there
// (AUTO_DETECT_JOURNALCTL), else FW_MSG_READ_CMD, else the syslog file
// IPT_SYSLOG_FILE (ENABLE_SYSLOG_FILE), else its kmsgsd FIFO.
func (t *translation) source() {
	journal := t.yes("AUTO_DETECT_JOURNALCTL")
	readCmd := t.yes("ENABLE_FW_MSG_READ_CMD")
	cmd := t.get("FW_MSG_READ_CMD")
	t.get("FW_MSG_READ_CMD_ARGS")
	t.get("USE_FW_MSG_READ_CMD_ARGS")
	file, fileOn := t.get("IPT_SYSLOG_FILE"), t.yes("ENABLE_SYSLOG_FILE")
	switch {
	case journal:
		t.b.WriteString("\n# psad AUTO_DETECT_JOURNALCTL = Y: kernel messages from the journal.\n[source journal]\ntype = journal\n")
	case readCmd && strings.HasSuffix(cmd, "journalctl"):
		t.b.WriteString("\n# psad FW_MSG_READ_CMD = " + cmd + ": kernel messages from the journal.\n[source journal]\ntype = journal\n")
	case readCmd:
		t.b.WriteString("\n# psad FW_MSG_READ_CMD = " + cmd + ": ifw does not run a command; /dev/kmsg instead.\n[source kmsg]\ntype = kmsg\n")
		t.note("FW_MSG_READ_CMD %s: ifw reads /dev/kmsg instead of running a command", cmd)
	case fileOn && strings.HasPrefix(file, "/"):
		t.b.WriteString("\n# psad IPT_SYSLOG_FILE (ENABLE_SYSLOG_FILE = Y).\n[source syslog]\ntype = file\n")
		t.key("path", file)
	default:
		t.b.WriteString("\n# psad reads its kmsgsd FIFO: ifw reads /dev/kmsg.\n[source kmsg]\ntype = kmsg\n")
	}
}

func (t *translation) detect() {
	t.b.WriteString("\n[detect]\n")
	t.levels("danger_levels", "DANGER_LEVEL%d")
	t.levels("sweep_levels", "DL%d_UNIQUE_HOSTS")
	if v := t.get("SCAN_TIMEOUT"); v != "" {
		t.key("scan_timeout", v+"s")
	}
	if v := t.get("PORT_RANGE_SCAN_THRESHOLD"); v != "" {
		t.key("min_port_range", v)
	}
	if v := t.get("PROTOCOL_SCAN_THRESHOLD"); v != "" {
		t.key("min_protocols", v)
	}
	t.homeNet()
	t.key("ignore_ports", none(t.get("IGNORE_PORTS")))
	t.key("ignore_protocols", none(t.get("IGNORE_PROTOCOLS")))
	t.key("ignore_interfaces", none(t.get("IGNORE_INTERFACES")))
	t.key("ignore_log_prefixes", t.list("IGNORE_LOG_PREFIXES"))
	search := t.list("FW_MSG_SEARCH")
	if t.yes("FW_SEARCH_ALL") || t.get("FW_SEARCH_ALL") == "" {
		t.b.WriteString("# psad FW_SEARCH_ALL = Y: every firewall line counts, FW_MSG_SEARCH (" + search + ") is not used.\n")
		search = ""
	}
	t.key("require_prefix", search)
	for _, f := range []string{"auto_dl", "signatures"} {
		t.get(map[string]string{"auto_dl": "AUTO_DL_FILE", "signatures": "SIGS_FILE"}[f])
		p := filepath.Join(t.dir, f)
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			t.key(f, p)
		} else {
			t.note("no %s file at %s: [detect] %s left empty", f, p, f)
		}
	}
}

// homeNet: psad's HOME_NET narrows only the signatures naming $HOME_NET
// (psad counts a scan of any destination), ifw's home_net ignores every
// packet to another destination: a HOME_NET other than any is kept as a
// comment, home_net stays any.
func (t *translation) homeNet() {
	v := t.get("HOME_NET")
	if v == "" {
		return
	}
	if !strings.EqualFold(v, "any") && !strings.EqualFold(v, "NOT_USED") {
		fmt.Fprintf(&t.b, "# psad HOME_NET %s: not imported: psad uses it only in signatures naming $HOME_NET and still\n"+
			"# counts scans of other destinations; ifw's home_net would ignore those, and ifw reads $HOME_NET as any.\n", oneLine(v))
		t.note("HOME_NET %s: not imported as home_net (it would make ifw ignore packets to other destinations, which psad counts)", oneLine(v))
	}
	t.key("home_net", "any")
}

// levels writes the five values of keys like DANGER_LEVEL1..5.
func (t *translation) levels(key, psadKey string) {
	var v []string
	for i := 1; i <= 5; i++ {
		if s := t.get(fmt.Sprintf(psadKey, i)); s != "" {
			v = append(v, s)
		}
	}
	if len(v) == 5 {
		t.key(key, strings.Join(v, " "))
	}
}

// list is the values of every line of key, NONE dropped, comma-separated.
func (t *translation) list(key string) string {
	t.used[key] = true
	var out []string
	for _, v := range t.c.All(key) {
		for _, s := range strings.Split(none(v), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, ", ")
}

func (t *translation) block() {
	t.b.WriteString("\n[block]\n")
	t.key("auto", map[bool]string{true: "yes", false: "no"}[t.yes("ENABLE_AUTO_IDS")])
	if v := t.get("AUTO_IDS_DANGER_LEVEL"); v != "" {
		t.key("min_level", v)
	}
	def := t.get("AUTO_BLOCK_TIMEOUT")
	var d []string
	for i := 1; i <= 5; i++ {
		v := t.get(fmt.Sprintf("AUTO_BLOCK_DL%d_TIMEOUT", i))
		if v == "" {
			v = def
		}
		d = append(d, seconds(v))
	}
	if !strings.Contains(strings.Join(d, " "), "?") && len(d) == 5 && d[0] != "" {
		t.key("durations", strings.Join(d, " "))
	}
	t.b.WriteString("# psad blocks a repeat offender for the same time again.\n")
	t.key("repeat_factor", "1")
	t.autoRegex()
}

// autoRegex: psad's ENABLE_AUTO_IDS_REGEX = Y auto-blocks only the
// sources whose log prefix matched AUTO_BLOCK_REGEX (NONE: no regex);
// ifw's auto_regex does the same with Go's RE2 syntax. A Perl pattern RE2
// does not take, or one that cannot be quoted, is left out, said why.
func (t *translation) autoRegex() {
	on, raw := t.yes("ENABLE_AUTO_IDS_REGEX"), t.get("AUTO_BLOCK_REGEX")
	re := none(raw)
	switch {
	case !on:
		fmt.Fprintf(&t.b, "# psad ENABLE_AUTO_IDS_REGEX = N: AUTO_BLOCK_REGEX %s is unused; auto_regex = REGEX would auto-block only sources whose log prefix matches.\n", oneLine(raw))
	case re == "":
		t.b.WriteString("# psad ENABLE_AUTO_IDS_REGEX = Y with AUTO_BLOCK_REGEX NONE: no regex, psad blocks by level alone too.\n")
	default:
		if _, err := regexp.Compile(re); err != nil {
			fmt.Fprintf(&t.b, "# psad AUTO_BLOCK_REGEX %s: not imported: not a Go (RE2) regular expression (%v); ifw blocks by level alone.\n", oneLine(re), oneLine(err.Error()))
			t.note("AUTO_BLOCK_REGEX %s is Perl that Go's RE2 does not take (%v): auto_regex not set, ifw blocks by level alone; write it in RE2 syntax", re, err)
			return
		}
		v, ok := iniValue(re)
		if !ok {
			fmt.Fprintf(&t.b, "# psad AUTO_BLOCK_REGEX %s: not imported: ifw.conf cannot quote it (a backquote beside a # ; or quote); ifw blocks by level alone.\n", oneLine(re))
			t.note("AUTO_BLOCK_REGEX %s cannot be written in ifw.conf: auto_regex not set", re)
			return
		}
		t.b.WriteString("# psad ENABLE_AUTO_IDS_REGEX = Y: auto-block only sources whose log prefix matches AUTO_BLOCK_REGEX.\n")
		t.key("auto_regex", v)
	}
}

// iniValue is v as ifw.conf keeps it whole: in backquotes when it holds
// what the INI reader would take for a comment or a quote, or spaces at
// an end; ok is false when it cannot be (a backquote and such a byte).
func iniValue(v string) (string, bool) {
	if !strings.ContainsAny(v, "#;\"'`") && strings.TrimSpace(v) == v {
		return v, true
	}
	if strings.Contains(v, "`") || strings.Contains(v, "\n") {
		return "", false
	}
	return "`" + v + "`", true
}

// seconds is psad's timeout in seconds as an ifw duration (0: forever).
func seconds(v string) string {
	n, err := strconv.ParseUint(v, 10, 32)
	switch {
	case err != nil:
		return "?"
	case n == 0:
		return "forever"
	}
	return strconv.FormatUint(n, 10) + "s"
}

func (t *translation) actions() {
	minLevel := t.get("MIN_DANGER_LEVEL")
	if minLevel == "" {
		minLevel = "1"
	}
	methods := strings.ToLower(t.get("ALERTING_METHODS"))
	if t.yes("ENABLE_EXT_SCRIPT_EXEC") {
		mode := "attacker"
		if t.yes("EXEC_EXT_SCRIPT_PER_ALERT") {
			mode = "alert"
		}
		t.b.WriteString("\n# psad EXTERNAL_SCRIPT (ENABLE_EXT_SCRIPT_EXEC = Y); SRCIP, DSTIP and DL are replaced as in psad.\n[action script]\ntype = script\n")
		t.key("command", t.get("EXTERNAL_SCRIPT"))
		t.key("mode", mode)
		t.key("min_level", minLevel)
	}
	if !strings.Contains(methods, "noemail") {
		to := t.list("EMAIL_ADDRESSES")
		if to != "" {
			level := t.get("EMAIL_ALERT_DANGER_LEVEL")
			if a, b := atoi(level), atoi(minLevel); b > a {
				level = minLevel
			}
			t.b.WriteString("\n# psad email alerts (ALERTING_METHODS, EMAIL_ADDRESSES, EMAIL_ALERT_DANGER_LEVEL).\n[action mail]\ntype = mail\n")
			t.key("to", to)
			t.key("from", t.sender())
			// Through the MTA's daemon: a sendmail run under ifw.service's
			// sandbox (no_new_privs) cannot deliver (actions/mail).
			if s := t.get("sendmailCmd"); s != "" {
				fmt.Fprintf(&t.b, "# psad's sendmailCmd %s: ifw.service's sandbox keeps a local sendmail from delivering, so mail goes to the MTA's own SMTP listener.\n", s)
			}
			t.key("smtp", "localhost:25")
			t.key("min_level", level)
		}
	}
	if !strings.Contains(methods, "nosyslog") {
		t.b.WriteString("\n# psad syslog alerts (ALERTING_METHODS, SYSLOG_IDENTITY, SYSLOG_FACILITY, SYSLOG_PRIORITY).\n[action syslog]\ntype = syslog\n")
		if v := t.get("SYSLOG_IDENTITY"); v != "" {
			t.key("tag", v)
		}
		if v := strings.ToLower(strings.TrimPrefix(t.get("SYSLOG_FACILITY"), "LOG_")); v != "" {
			t.key("facility", v)
		}
		if v := strings.ToLower(strings.TrimPrefix(t.get("SYSLOG_PRIORITY"), "LOG_")); v != "" {
			t.key("severity", v)
		}
		t.key("min_level", minLevel)
	}
}

// sender is the mail's From: psad mails as root of HOSTNAME; while that
// is _CHANGEME_ (psad then takes the host's name), root@localhost, with a
// note.
func (t *translation) sender() string {
	host := t.get("HOSTNAME")
	if !validHost(host) {
		t.note("[action mail] from = root@localhost: psad's HOSTNAME is %q; set the sender", host)
		host = "localhost"
	}
	return "root@" + host
}

func validHost(h string) bool {
	return h != "" && !strings.ContainsFunc(h, func(r rune) bool {
		return !(r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// rest writes every key not imported as a comment saying why.
func (t *translation) rest() {
	t.b.WriteString("\n# psad keys not imported:\n")
	for _, e := range t.c.Entries {
		if t.used[e.Key] {
			continue
		}
		fmt.Fprintf(&t.b, "# %s %s: not imported: %s\n", e.Key, oneLine(e.Raw), why(e.Key))
	}
}

// oneLine keeps a value on its comment line.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// why says why a psad key has no ifw key.
func why(key string) string {
	switch {
	case strings.HasPrefix(key, "EMAIL_") || strings.HasPrefix(key, "MAIL_"):
		return "ifw's mail action has no such setting ([action mail] takes to, from, min_level, interval)"
	case strings.HasPrefix(key, "DSHIELD_") || key == "ENABLE_DSHIELD_ALERTS":
		return "ifw does not report to DShield"
	case strings.HasPrefix(key, "IPT_AUTO_CHAIN") || strings.Contains(key, "IPTABLES") || strings.HasPrefix(key, "FW_CMD") || key == "ENABLE_OVERRIDE_FW_CMD" || key == "FLUSH_IPT_AT_INIT":
		return "ifw blocks through ipsets that `ifw setup` creates, not iptables chains"
	case strings.Contains(key, "WHOIS") || strings.Contains(key, "DNS_LOOKUP"):
		return "ifw does no whois or reverse DNS lookups"
	case strings.HasSuffix(key, "_FILE") || strings.HasSuffix(key, "_DIR") || strings.HasSuffix(key, "Cmd") || key == "INSTALL_ROOT":
		return "a path of psad's own"
	case strings.HasSuffix(key, "_SERVERS") || strings.HasSuffix(key, "_PORTS") || strings.HasPrefix(key, "SNORT") || strings.Contains(key, "SNORT"):
		return "a Snort rule variable; ifw's signatures use psad's as written"
	case strings.HasPrefix(key, "PSADWATCHD") || strings.HasPrefix(key, "DISK_") || strings.Contains(key, "PID"):
		return "psad's own process housekeeping"
	case strings.HasPrefix(key, "TOP_") || strings.HasPrefix(key, "STATUS_"):
		return "psad's status output; ifw status and ifw report have their own"
	}
	return "no equivalent in ifw"
}

// Write writes r's text to w.
func (r *Result) Write(w io.Writer) error {
	_, err := io.WriteString(w, r.Text)
	return err
}
