package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
)

func writeConf(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	path := writeConf(t, `[daemon]
database = /tmp/x.db
save_interval = 5s

[source kern]
type = file
path = /var/log/kern.log
rotated = /var/log/kern.log.1 /var/log/kern.log.0
start = beginning

[source k]
type = kmsg

[source n]
type = nflog
group = 5
copy_range = 128

[block]
auto = yes
min_level = 3
durations = 10m 30m 1h 6h forever
repeat_factor = 1.5
bulk = /etc/ifw/drop.list
bulk_widen4 = 24

[detect]
max_clock_ahead = 30s
danger_levels = 1 2 3 4 5

[action desktop]
type = notify
min_level = 2

[action hook]
type = script
command = DISPLAY=:0.0 /usr/local/bin/alert SRCIP DL
mode = attacker
min_level = 3
interval = 30m
timeout = 10s

[metrics]
listen = 127.0.0.1:9462
`)
	cfg, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != path || cfg.Daemon.Database != "/tmp/x.db" || cfg.Daemon.SaveInterval != 5*time.Second || cfg.Metrics.Listen != "127.0.0.1:9462" {
		t.Errorf("daemon settings %+v metrics %+v", cfg.Daemon, cfg.Metrics)
	}
	if b := cfg.Block; !b.Enabled || !b.Policy.Auto || b.Policy.MinLevel != 3 || b.Policy.DurationByLevel[5] != block.Forever ||
		b.Policy.DurationByLevel[1] != 10*time.Minute || b.Policy.RepeatFactor != 1.5 || len(b.Bulk) != 1 || b.Widen4 != 24 {
		t.Errorf("block settings %+v", b)
	}
	if d := cfg.Detect.Engine; d.MaxClockAhead != 30*time.Second || d.DangerLevels != [5]int{1, 2, 3, 4, 5} {
		t.Errorf("detect settings %+v", d)
	}
	if len(cfg.Actions) != 2 || cfg.Actions[0].Type != "notify" || cfg.Actions[0].Route.MinLevel != 2 {
		t.Fatalf("actions %+v", cfg.Actions)
	}
	hook := cfg.Actions[1]
	if hook.Name != "hook" || hook.Route.Interval != 30*time.Minute || hook.Route.MinLevel != 3 || hook.Route.Action != nil ||
		hook.Script.Name != "hook" || hook.Script.Mode != "attacker" || hook.Script.Timeout != 10*time.Second ||
		!strings.HasPrefix(hook.Script.Command, "DISPLAY=:0.0 ") {
		t.Errorf("script action %+v", hook)
	}
	var kinds []string
	for _, s := range cfg.Sources {
		kinds = append(kinds, s.Name+":"+s.Type)
	}
	if got := strings.Join(kinds, " "); got != "k:kmsg kern:file n:nflog" {
		t.Errorf("sources %s", got)
	}
	k, f, n := cfg.Sources[0].Kmsg, cfg.Sources[1].File, cfg.Sources[2].Nflog
	if k.Name != "k" || !k.StartAtEnd || f.Path != "/var/log/kern.log" || !f.FromStart || len(f.Rotated) != 2 ||
		n.Group != 5 || n.CopyRange != 128 || n.Name != "n" {
		t.Errorf("collector configs %+v %+v %+v", k, f, n)
	}
	if want := path + ": collectors k (kmsg), kern (file), n (nflog); database /tmp/x.db; socket /run/ifw/ifw.sock"; cfg.Describe() != want {
		t.Errorf("Describe() = %q, want %q", cfg.Describe(), want)
	}
}

func TestLoadVerdict(t *testing.T) {
	path := writeConf(t, `[verdict]
enabled = yes
queue = 7
fail = open
mode = whitelist
executables = /usr/bin/curl /usr/bin/ssh
default = reject
ask_timeout = 10s
session_idle = 2m
rules = /tmp/ifw-rules
reject_mark = 0x20000000
hash = yes
workers = 2
max_questions = 512
log = file /var/lib/ifw/verdicts.log
log_max_size = 1M
log_keep = 5
`)
	cfg, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	v, m := cfg.Verdict, cfg.Verdict.Module
	if !v.Enabled || !v.Hash || v.SessionIdle != 2*time.Minute || m.Queue != 7 || !m.FailOpen ||
		m.Mode != verdict.ModeWhitelist || len(m.Exes) != 2 || m.Default != rules.Reject || m.MaxQuestions != 512 ||
		m.AskTimeout != 10*time.Second || m.RulesFile != "/tmp/ifw-rules" || m.RejectMark != 0x20000000 || m.Workers != 2 {
		t.Errorf("verdict settings %+v", v)
	}
	if l := v.Log; l.File != "/var/lib/ifw/verdicts.log" || l.Syslog || l.MaxSize != 1<<20 || l.Keep != 5 {
		t.Errorf("verdict log %+v", l)
	}
	def := Default().Verdict
	if def.Enabled || def.Module.FailOpen || def.Module.Mode != verdict.ModeAsk || def.Module.RejectMark != 0x10000000 {
		t.Errorf("defaults %+v", def)
	}
}

func TestDefaults(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "absent.conf")
	cfg, err := Load(absent, false)
	if err != nil || cfg.Path != DefaultsPath || len(cfg.Sources) != 1 || cfg.Sources[0].Type != "kmsg" ||
		!cfg.Sources[0].Kmsg.StartAtEnd || cfg.Daemon.Socket != "/run/ifw/ifw.sock" || !cfg.Block.Enabled {
		t.Fatalf("defaults: %v %+v", err, cfg)
	}
	if _, err := Load(absent, true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a named, missing configuration: %v", err)
	}
	if _, err := LoadFile(absent, false); err == nil || !strings.Contains(err.Error(), absent) || !strings.Contains(err.Error(), "--defaults") {
		t.Errorf("LoadFile without defaults: %v", err)
	}
	if cfg, err := LoadFile(absent, true); err != nil || cfg.Path != DefaultsPath {
		t.Errorf("LoadFile with defaults: %v %+v", err, cfg)
	}
	// A file without [source] sections keeps the default collector.
	cfg, err = Load(writeConf(t, "[daemon]\nhost = h\n"), true)
	if err != nil || len(cfg.Sources) != 1 || cfg.Sources[0].Name != "kmsg" || cfg.Daemon.Host != "h" {
		t.Errorf("no [source]: %v %+v", err, cfg)
	}
}

// TestShippedConfig: etc/ifw.conf loads, and says what Default says.
func TestShippedConfig(t *testing.T) {
	cfg, err := Load("../ifw.conf", true)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if cfg.Daemon != def.Daemon && cfg.Daemon.Host == def.Daemon.Host {
		t.Errorf("[daemon] %+v, defaults %+v", cfg.Daemon, def.Daemon)
	}
	if _, err := cfg.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestLoadErrors: every mistake is refused with file:line, section, key and
// reason, worded one way.
func TestLoadErrors(t *testing.T) {
	tests := []struct{ conf, want string }{
		{"[daemon]\nsave_interval = 60\n", `:2: [daemon] save_interval: "60" needs a unit (e.g. 60s)`},
		{"[daemon]\nbogus = 1\n", ":2: [daemon] bogus: unknown key; known: database, host, log_level, log_server, log_server_sensors, save_interval, socket, socket_group"},
		{"[daemon]\nlog_level = loud\n", `:2: [daemon] log_level: slog: level string "loud": unknown name`},
		{"[daemon]\nsocket =\n", ":2: [daemon] socket: needs a value"},
		{"[daemon]\ndatabase = :memory:\n", `:2: [daemon] database: ":memory:" is not a file path`},
		{"[store]\nurl = mysql://x\n", ":2: [store] url: not a PostgreSQL connection string (postgres://USER@/DB?host=/run/postgresql)"},
		{"[store]\nurl = postgres://u:s3cret@h:notaport/db\n", ":2: [store] url: cannot parse `postgres://u:xxxxx@h:notaport/db`: invalid port"},
		{"[block]\nshare = everyone\n", `:2: [block] share: "everyone": want one of local, fleet`},
		{"[block]\nshare = fleet\n", ":2: [block] share: fleet shares blocks through the fleet's database: set [store] url"},
		{"[colour]\n", ":1: [colour]: unknown section; known: [daemon], [store], [fleet], [detect], [block], [report], [verdict], [metrics], [source NAME], [action NAME]"},
		{"host = x\n", ":1: host: outside any section"},
		{"[source x]\ntype = carrier-pigeon\n", `:2: [source x] type: "carrier-pigeon": want one of file, journal, kmsg, nflog`},
		{"[source x]\npath = /x\n", `:1: [source x] type: "": want one of file, journal, kmsg, nflog`},
		{"[source x]\ntype = file\n", ":1: [source x]: a file collector needs path"},
		{"[source x]\ntype = file\npath = relative.log\n", `:3: [source x] path: "relative.log" is not an absolute path`},
		{"[source x]\ntype = kmsg\ngroup = 3\n", ":3: [source x] group: unknown key for a kmsg collector; known: path, start, type"},
		{"[source x]\ntype = nflog\ngroup = 70000\n", `:3: [source x] group: "70000" is not an NFLOG group (0-65535)`},
		{"[source x]\ntype = nflog\ngroup = 1\ncopy_range = 32\n", ":4: [source x] copy_range: copy range 32 is below 64 bytes: headers would not fit"},
		{"[source x]\ntype = kmsg\nstart = middle\n", `:3: [source x] start: "middle": want end or beginning`},
		{"[source a b]\ntype = kmsg\n", `:1: [source a b] name: name "a b" must be printable without spaces`},
		{"[source a]\ntype = kmsg\n[source  a]\ntype = kmsg\n", `:3: [source  a]: a second collector named "a"`},
		{"[metrics]\nlisten = 0.0.0.0:9462\n", `:2: [metrics] listen: "0.0.0.0:9462": the metrics endpoint listens on loopback only (127.0.0.1:PORT or [::1]:PORT)`},
		{"[detect]\n\nmax_sources = many\n", `:3: [detect] max_sources: "many" is not a whole number`},
		{"[detect]\nmax_sources = 0\n", ":2: [detect] max_sources: 0 is not 1-1073741824"},
		{"[detect]\ndanger_levels = 5 4 3 2 1\n", ":2: [detect] danger_levels: level 2 threshold 4 is not above level 1's 5"},
		{"[detect]\nignore_ports = 9-1\n", ":2: [detect] ignore_ports"},
		{"[action x]\ntype = pager\n", `:2: [action x] type: "pager": want one of mail, notify, script, syslog`},
		{"[action x]\ntype = script\n", ":1: [action x]: a script action needs command"},
		{"[action x]\ntype = script\ncommand = /bin/true\nmode = sometimes\n", `:4: [action x] mode: "sometimes": want alert or attacker`},
		{"[action x]\ntype = script\ncommand = \"unterminated\n", ":3: [action x] command: "},
		{"[action x]\ntype = script\ncommand = /bin/true\nmax_concurrent = 1000\n", ":4: [action x] max_concurrent: 1000 is not 0-256"},
		{"[action x]\ntype = syslog\nmin_level = 7\n", ":3: [action x] min_level: 7 is not 0-5"},
		{"[action x]\ntype = syslog\nworkers = 65\n", ":3: [action x] workers: 65 is not 0-64"},
		{"[action x]\ntype = syslog\nfacility = nowhere\n", `:3: [action x] facility: unknown facility "nowhere"`},
		{"[action x]\ntype = mail\nto = root\n", `:1: [action x] from: "": mail: no address`},
		{"[action x]\ntype = mail\nto = root\ncolour = red\n", ":4: [action x] colour: unknown key for a mail action; known: from, helo, interval, min_level, password_file, queue, remember, sendmail, smtp, timeout, to, type, username, workers"},
		{"[action x]\ntype = mail\nfrom = ifw@example.org\nto = root@example.org\nsmtp = nowhere\n", `:5: [action x] smtp: "nowhere" is not host:port`},
		{"[block]\nauto = maybe\n", `:2: [block] auto: "maybe": want yes or no`},
		{"[block]\nmin_level = 9\n", ":2: [block] min_level: min level 9 is not 1-5"},
		{"[block]\nmin_level = 0\n", `:2: [block] min_level: "0" is not a whole number from 1`},
		{"[block]\ndurations = 1h 2h\n", ":2: [block] durations: want 5 durations for levels 1-5, got 2"},
		{"[block]\nrepeat_factor = 0.5\n", ":2: [block] repeat_factor: repeat factor 0.5 is not 1-1000"},
		{"[block]\nrepeat_factor = 1001\n", ":2: [block] repeat_factor: repeat factor 1001 is not 1-1000"},
		{"[block]\nrepeat_factor = NaN\n", `:2: [block] repeat_factor: "NaN" is not a positive number`},
		{"[block]\nwhitelist = whitelist\n", `:2: [block] whitelist: "whitelist" is not an absolute path`},
		{"[block]\nbulk_widen4 = 40\n", ":2: [block] bulk_widen4: widen to /40 is not 0-32"},
		{"[block]\nauto = yes\n\nauto_regex = DROP(\n", `:4: [block] auto_regex: "DROP(" is not a regular expression (Go RE2 syntax): error parsing regexp: missing closing ): ` + "`DROP(`"},
		{"[block]\nauto_regex = (?<=x)y\n", `:2: [block] auto_regex: "(?<=x)y" is not a regular expression (Go RE2 syntax)`},
		{"[report]\nevery = 1h\ndeliver = mail\n", ":3: [report] deliver: mail delivery needs to"},
		{"[report]\nevery = 1h\ndeliver = script\n", ":3: [report] deliver: script delivery needs command"},
		{"[report]\nevery = 1h\ndeliver = mail\nfrom = ifw@example.org\nto = not an address\n", ":5: [report] to: \"not an address\": mail: "},
		{"[report]\ntop = 1001\n", `:2: [report] top: "1001": want a whole number from 1 to 1000`},
		{"[verdict]\nqueue = 70000\n", `:2: [verdict] queue: "70000": want a number from 0 to 65535`},
		{"[verdict]\nfail = maybe\n", `:2: [verdict] fail: "maybe": want one of open, closed`},
		{"[verdict]\n\nmode = paranoid\n", `:3: [verdict] mode: "paranoid": want one of ask, whitelist, blacklist, monitor`},
		{"[verdict]\nexecutables = curl\n", `:2: [verdict] executables: "curl" is not an absolute path`},
		{"[verdict]\ndefault = maybe\n", ":2: [verdict] default: "},
		{"[verdict]\nask_timeout = 30\n", `:2: [verdict] ask_timeout: "30" needs a unit (e.g. 30s)`},
		{"[verdict]\nbogus = 1\n", ":2: [verdict] bogus: unknown key; known: "},
		{"[verdict]\nmode = whitelist\n", ":1: [verdict] executables: mode whitelist needs executables"},
		{"[verdict]\nworkers = 65\n", ":2: [verdict] workers: workers 65 is not 1-64"},
		{"[verdict]\nmax_questions = 70000\n", ":2: [verdict] max_questions: max questions 70000 is not 1-65536"},
		{"[verdict]\nlog = file var/log/v\n", `:2: [verdict] log: file "var/log/v" is not an absolute path`},
		{"[verdict]\nlog = stdout\n", `:2: [verdict] log: "stdout" is not syslog, file PATH or none`},
		{"[verdict]\nlog_max_size = 1T\n", `:2: [verdict] log_max_size: "1T" is not a size`},
		{"[verdict]\nlog_keep = 0\n", ":2: [verdict] log_keep: "},
		{"[daemon]\nsave_interval = 1m\n\n[daemon]\nsave_interval = 5m\n", ":4: [daemon]: written twice (first at line 1)"},
		{"[daemon]\nsave_interval = 1m\nsave_interval = 5m\n", ":3: [daemon] save_interval: written twice (first at line 2)"},
		{"[daemon]\ndatabase = /var/lib/ifw/x\x00.db\n", ":2: NUL byte"},
	}
	for _, tt := range tests {
		path := writeConf(t, tt.conf)
		_, err := Load(path, true)
		var ce *etc.ConfigError
		if err == nil || !strings.HasPrefix(err.Error(), path+tt.want) || !errors.As(err, &ce) || ce.File != path || ce.Line == 0 {
			t.Errorf("%q:\n got %v\nwant %s", tt.conf, err, path+tt.want)
		}
	}
}

// TestLibraryErrorsKeepSentinels: a Validate error placed by the reader
// still matches the owning package's ErrConfig.
func TestLibraryErrorsKeepSentinels(t *testing.T) {
	for _, tc := range []struct {
		conf string
		want error
	}{
		{"[block]\nrepeat_factor = 0.5\n", block.ErrConfig},
		{"[verdict]\nworkers = 65\n", verdict.ErrConfig},
	} {
		_, err := Load(writeConf(t, tc.conf), true)
		if !errors.Is(err, tc.want) {
			t.Errorf("%q: %v does not match %v", tc.conf, err, tc.want)
		}
	}
}

// TestCheckCatches: what the daemon would refuse (or worse, take
// silently), Check refuses first, at file:line, and without reading an
// unbounded file into memory.
func TestCheckCatches(t *testing.T) {
	dir := t.TempDir()
	badWhitelist := filepath.Join(dir, "whitelist")
	os.WriteFile(badWhitelist, []byte("192.0.2.1\nnot an address!\n"), 0o644)
	longAutoDL := filepath.Join(dir, "auto_dl")
	os.WriteFile(longAutoDL, []byte("192.0.2.0/24 0;\n"+strings.Repeat("1", 3<<20)+"\n"), 0o644)
	rulesFile := filepath.Join(dir, "rules")
	os.WriteFile(rulesFile, []byte("allow exe=/usr/bin/ssh port=22\nallow exe=relative\n"), 0o644)
	for _, tc := range []struct {
		name, conf string
		want       string // in the error, after the file name
	}{
		{"missing program", "[action hook]\ntype = script\ncommand = /nonexistent/ifw-hook SRCIP\n", ".conf:3: [action hook]: script hook: "},
		{"missing password file", "[action m]\ntype = mail\nfrom = ifw@example.org\nto = root@example.org\nsmtp = mail.example.org:25\nusername = u\npassword_file = /nonexistent/pw\n", ".conf:5: [action m]: open /nonexistent/pw"},
		{"bad whitelist", "[block]\nwhitelist = " + badWhitelist + "\n", badWhitelist + ":2"},
		{"bad outbound rules", "[verdict]\nenabled = yes\nrules = " + rulesFile + "\n", rulesFile + ":2:"},
		{"signatures from /dev/zero", "[detect]\nsignatures = /dev/zero\n", "/dev/zero is not a regular file"},
		{"a 3 MB auto_dl line", "[detect]\nauto_dl = " + longAutoDL + "\n", longAutoDL + ":2: line longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(writeConf(t, tc.conf), true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cfg.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v; want %q", err, tc.want)
			}
		})
	}
}

// FuzzLoad: no ifw.conf panics; every error about its content names the
// file, and a configuration it accepts loads the same way twice.
func FuzzLoad(f *testing.F) {
	if b, err := os.ReadFile("../ifw.conf"); err == nil {
		f.Add(string(b))
	}
	f.Add("[detect]\nscan_timeout = 1h\nbogus = 1\n")
	f.Add("[source x]\ntype = nflog\ngroup = 3\n[action y]\ntype = script\ncommand = /bin/true\n")
	f.Add("[block]\nrepeat_factor = 1e400\n[verdict]\nworkers = 0x10\n")
	f.Add("[block]\nauto = yes\nauto_regex = `^(DROP|SID#1;)`\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "ifw.conf")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path, true)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error does not start with the file: %v", err)
			}
			return
		}
		if cfg.Path != path || len(cfg.Sources) == 0 {
			t.Fatalf("accepted without sources: %+v", cfg)
		}
		if _, err := Load(path, true); err != nil {
			t.Fatalf("second load: %v", err)
		}
	})
}

// TestIgnorePortsProtocol: ignore_ports takes the PROTO/PORT form that
// etc/ifw.conf documents and psad's IGNORE_PORTS uses (tcp/22 was refused
// as a bad port).
func TestIgnorePortsProtocol(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(path, []byte("[detect]\nignore_ports = tcp/22, udp/5353-5354, 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []signatures.PortRange{{Proto: 6, Lo: 22, Hi: 22}, {Proto: 17, Lo: 5353, Hi: 5354}, {Lo: 6000, Hi: 6000}}
	if got := cfg.Detect.Engine.IgnorePorts; !slices.Equal(got, want) {
		t.Errorf("ignore_ports = %v, want %v", got, want)
	}
	for _, bad := range []string{"icmp/3", "nope/22", "tcp/"} {
		if err := os.WriteFile(path, []byte("[detect]\nignore_ports = "+bad+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path, true); err == nil || !strings.Contains(err.Error(), ":2: [detect] ignore_ports") {
			t.Errorf("ignore_ports = %s: err %v", bad, err)
		}
	}
}

// TestAutoRegex: auto_regex compiles to an unanchored match of the log
// prefix; empty is none; a value holding # or ; is kept whole when
// quoted in backticks (ini cuts an unquoted one there, as a comment).
func TestAutoRegex(t *testing.T) {
	for _, tt := range []struct {
		value, match, miss string
	}{
		{"ESTAB", "[FWSNORT ESTAB 123]", "DROP "},
		{"^DROP", "DROP IN", "ifw DROP"},
		{"`SID[0-9]+;|#x`", "SID12;", "SID12"},
	} {
		cfg, err := Load(writeConf(t, "[block]\nauto_regex = "+tt.value+"\n"), true)
		if err != nil {
			t.Fatalf("%s: %v", tt.value, err)
		}
		re := cfg.Block.AutoRegex
		if re == nil || !re.MatchString(tt.match) || re.MatchString(tt.miss) {
			t.Errorf("auto_regex = %s: %v; match %q and not %q", tt.value, re, tt.match, tt.miss)
		}
	}
	cfg, err := Load(writeConf(t, "[block]\nauto_regex =\n"), true)
	if err != nil || cfg.Block.AutoRegex != nil {
		t.Errorf("empty auto_regex: %v, %v", cfg.Block.AutoRegex, err)
	}
}
