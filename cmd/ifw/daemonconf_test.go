package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
)

func writeConf(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ifw.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDaemonConfig(t *testing.T) {
	path := writeConf(t, `[daemon]
database = /tmp/x.db
save_interval = 5s

[source kern]
type = file
path = /var/log/kern.log
rotated = /var/log/kern.log.1 /var/log/kern.log.0

[source k]
type = kmsg

[source n]
type = nflog
group = 5

[block]
auto = yes
min_level = 3
durations = 10m 30m 1h 6h forever
bulk = /etc/ifw/drop.list
bulk_widen4 = 24

[action desktop]
type = notify
min_level = 2

[action hook]
type = script
command = DISPLAY=:0.0 /usr/local/bin/alert SRCIP DL
mode = attacker
min_level = 3
interval = 30m

[metrics]
listen = 127.0.0.1:9462
`)
	cfg, err := loadDaemonConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.daemon.database != "/tmp/x.db" || cfg.daemon.saveInterval != 5*time.Second || cfg.metrics != "127.0.0.1:9462" {
		t.Errorf("daemon settings %+v metrics %q", cfg.daemon, cfg.metrics)
	}
	if b := cfg.block; !b.policy.Auto || b.policy.MinLevel != 3 || b.policy.DurationByLevel[5] != block.Forever ||
		b.policy.DurationByLevel[1] != 10*time.Minute || len(b.bulk) != 1 || b.widen4 != 24 {
		t.Errorf("block settings %+v", b)
	}
	if len(cfg.actions) != 2 || cfg.actions[1].name != "hook" || routeOf(cfg.actions[1]).Interval != 30*time.Minute || routeOf(cfg.actions[1]).MinLevel != 3 {
		t.Errorf("actions %+v", cfg.actions)
	}
	var kinds []string
	for _, s := range cfg.sources {
		kinds = append(kinds, s.name+":"+s.kind)
	}
	if got := strings.Join(kinds, " "); got != "k:kmsg kern:file n:nflog" {
		t.Errorf("sources %s", got)
	}
}

func TestDaemonConfigDefaults(t *testing.T) {
	cfg, err := loadDaemonConfig(filepath.Join(t.TempDir(), "absent.conf"), false)
	if err != nil || len(cfg.sources) != 1 || cfg.sources[0].kind != "kmsg" || cfg.daemon.socket != "/run/ifw/ifw.sock" {
		t.Fatalf("defaults: %v %+v", err, cfg)
	}
	if _, err := loadDaemonConfig(filepath.Join(t.TempDir(), "absent.conf"), true); err == nil {
		t.Error("a named, missing configuration was accepted")
	}
}

func TestDaemonConfigErrors(t *testing.T) {
	tests := []struct{ conf, want string }{
		{"[daemon]\nsave_interval = 60\n", ":2: [daemon] save_interval: \"60\" needs a unit"},
		{"[daemon]\nbogus = 1\n", ":2: [daemon] bogus: unknown key"},
		{"[daemon]\nlog_level = loud\n", ":2: [daemon] log_level"},
		{"[colour]\n", ":1: unknown section [colour]"},
		{"[source x]\ntype = carrier-pigeon\n", ":2: [source x] type: \"carrier-pigeon\": want one of file, journal, kmsg, nflog"},
		{"[source x]\ntype = file\n", ":1: a file collector needs path"},
		{"[source x]\ntype = file\npath = relative.log\n", ":3: [source x] path: \"relative.log\" is not an absolute path"},
		{"[source x]\ntype = kmsg\ngroup = 3\n", ":3: [source x] group: unknown key for a kmsg collector"},
		{"[source x]\ntype = nflog\ngroup = 70000\n", ":3: [source x] group: \"70000\" is not an NFLOG group"},
		{"[source x]\ntype = kmsg\nstart = middle\n", ":3: [source x] start: \"middle\": want end or beginning"},
		{"[metrics]\nlisten = 0.0.0.0:9462\n", ":2: [metrics] listen: \"0.0.0.0:9462\": the metrics endpoint listens on loopback only"},
		{"[detect]\n\nmax_sources = many\n", ":3: [detect] max_sources"},
		{"[action x]\ntype = pager\n", ":2: [action x] type: \"pager\": want one of mail, notify, script, syslog"},
		{"[action x]\ntype = script\n", ":1: a script action needs command"},
		{"[action x]\ntype = script\ncommand = /bin/true\nmode = sometimes\n", ":4: [action x] mode: \"sometimes\": want alert or attacker"},
		{"[action x]\ntype = syslog\nmin_level = 7\n", ":3: [action x] min_level"},
		{"[action x]\ntype = mail\nto = root\ncolour = red\n", ":4: [action x] colour: unknown key for a mail action"},
		{"[block]\nauto = maybe\n", ":2: [block] auto: \"maybe\": want yes or no"},
		{"[block]\nmin_level = 9\n", ":2: [block] min_level: \"9\": want a whole number from 1 to 5"},
		{"[block]\ndurations = 1h 2h\n", ":2: [block] durations: want 5 durations"},
		{"[block]\nrepeat_factor = 0.5\n", ":2: [block] repeat_factor"},
		{"[block]\nwhitelist = whitelist\n", ":2: [block] whitelist: \"whitelist\" is not an absolute path"},
		{"[block]\nbulk_widen4 = 40\n", ":2: [block] bulk_widen4"},
	}
	for _, tt := range tests {
		path := writeConf(t, tt.conf)
		_, err := loadDaemonConfig(path, true)
		if err == nil || !strings.Contains(err.Error(), path+tt.want) {
			t.Errorf("%q: %v; want %q", tt.conf, err, path+tt.want)
		}
	}
}

func TestConfigCheckCommand(t *testing.T) {
	code, out, errs := runCmd(t, "", "config", "check", "--config", "../../etc/ifw.conf")
	if code != exitOK || !strings.HasPrefix(out, "ok: ../../etc/ifw.conf: collectors kmsg (kmsg)") {
		t.Errorf("shipped ifw.conf: exit %d, %q %q", code, out, errs)
	}
	bad := writeConf(t, "[daemon]\nsocket =\n")
	if code, _, errs := runCmd(t, "", "config", "check", "--config", bad); code != exitFail || !strings.Contains(errs, bad+":2: [daemon] socket: needs a value") {
		t.Errorf("bad config: exit %d, %q", code, errs)
	}
	if code, _, _ := runCmd(t, "", "config"); code != exitUsage {
		t.Errorf("ifw config without check: exit %d", code)
	}
}

func TestMaxClockAheadKey(t *testing.T) {
	cfg, err := loadDaemonConfig(writeConf(t, "[detect]\nmax_clock_ahead = 30s\n"), true)
	if err != nil || cfg.detect.engine.MaxClockAhead != 30*time.Second {
		t.Fatalf("max_clock_ahead: %v %v", cfg, err)
	}
}
