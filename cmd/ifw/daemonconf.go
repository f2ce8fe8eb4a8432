package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
	"gopkg.in/ini.v1"
)

// defaultConfigPath is where the daemon looks for its configuration.
const defaultConfigPath = "/etc/ifw/ifw.conf"

// defaultsPath is the path of a configuration that is the built-in defaults.
const defaultsPath = "(defaults)"

// daemonConfig is the whole ifw.conf as the daemon uses it.
type daemonConfig struct {
	path    string
	daemon  daemonSettings
	detect  detectSettings
	sources []sourceSettings
	actions []sourceSettings
	block   blockSettings
	report  reportSettings
	verdict verdictSettings
	metrics string // listen address of the metrics endpoint; "" is off
}

// daemonSettings is the [daemon] section.
type daemonSettings struct {
	database     string
	socket       string
	socketGroup  string
	saveInterval time.Duration
	host         string
	logLevel     slog.Level
}

// sourceSettings is one typed section, [source NAME] or [action NAME]; its
// keys are checked by its type's entry in collectorTypes or actionTypes.
type sourceSettings struct {
	name, kind string
	keys       map[string]string
	lines      map[string]int
}

func defaultDaemonConfig() *daemonConfig {
	host, _ := os.Hostname()
	return &daemonConfig{
		path: defaultsPath,
		daemon: daemonSettings{database: "/var/lib/ifw/ifw.db", socket: "/run/ifw/ifw.sock",
			socketGroup: "ifw", saveInterval: time.Minute, host: host, logLevel: slog.LevelInfo},
		detect:  detectSettings{engine: signatures.DefaultConfig()},
		block:   defaultBlockSettings(),
		report:  defaultReportSettings(),
		verdict: defaultVerdictSettings(),
		sources: []sourceSettings{{name: "kmsg", kind: "kmsg", keys: map[string]string{}}},
	}
}

// loadDaemonConfig reads path; a missing file gives the built-in defaults
// (one kmsg collector) unless explicit, when it is an error.
func loadDaemonConfig(path string, explicit bool) (*daemonConfig, error) {
	cfg := defaultDaemonConfig()
	c, err := loadConf(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	cfg.path = path
	if err := c.checkSectionNames(); err != nil {
		return nil, err
	}
	if err := readDetect(c, &cfg.detect); err != nil {
		return nil, err
	}
	if err := readDaemon(c, &cfg.daemon); err != nil {
		return nil, err
	}
	if err := readMetrics(c, &cfg.metrics); err != nil {
		return nil, err
	}
	if err := readBlock(c, &cfg.block); err != nil {
		return nil, err
	}
	if err := readReport(c, &cfg.report); err != nil {
		return nil, err
	}
	if err := readVerdict(c, &cfg.verdict); err != nil {
		return nil, err
	}
	if err := readActions(c, cfg); err != nil {
		return nil, err
	}
	return cfg, readSources(c, cfg)
}

// loadDaemonFile is the daemon's configuration: the file at path. A
// missing file is an error, as for `ifw config check`, unless defaults
// asks for the built-in defaults (the daemon creates ipsets and watches
// the kernel log: it never does so on a guess).
func loadDaemonFile(path string, defaults bool) (*daemonConfig, error) {
	cfg, err := loadDaemonConfig(path, !defaults)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w; write it (etc/ifw.conf documents every key, `ifw config check` checks it) or start with --defaults to run on the built-in defaults", err)
	}
	return cfg, err
}

// checkSectionNames refuses sections other than daemon, detect, metrics and
// "source NAME".
func (c *confFile) checkSectionNames() error {
	for _, s := range c.ini.Sections() {
		name := s.Name()
		switch {
		case name == ini.DefaultSection && len(s.Keys()) == 0:
		case name == "daemon" || name == "detect" || name == "metrics" || name == "block" || name == "report" || name == "verdict":
		case strings.HasPrefix(name, "source ") && strings.TrimSpace(name[len("source "):]) != "":
		case strings.HasPrefix(name, "action ") && strings.TrimSpace(name[len("action "):]) != "":
		default:
			return c.errorf(name, "", "unknown section [%s]; known: [daemon], [detect], [block], [report], [verdict], [metrics], [source NAME], [action NAME]", name)
		}
	}
	return nil
}

func readDaemon(c *confFile, d *daemonSettings) error {
	return c.readSection("daemon", func(k, v string) error { return applyDaemonKey(k, v, d) })
}

func applyDaemonKey(key, v string, d *daemonSettings) error {
	switch key {
	case "database":
		d.database = v
	case "socket":
		d.socket = v
	case "socket_group":
		d.socketGroup = v
	case "save_interval":
		return duration(v, &d.saveInterval)
	case "host":
		d.host = v
	case "log_level":
		return d.logLevel.UnmarshalText([]byte(v))
	default:
		return errors.New("unknown key")
	}
	if v == "" {
		return errors.New("needs a value")
	}
	return nil
}

func readMetrics(c *confFile, listen *string) error {
	sec, err := c.ini.GetSection("metrics")
	if err != nil {
		return nil
	}
	for _, k := range sec.Keys() {
		if k.Name() != "listen" {
			return c.errorf("metrics", k.Name(), "unknown key")
		}
		v := strings.TrimSpace(k.Value())
		if v != "" && !isLoopbackListen(v) {
			return c.errorf("metrics", "listen", "%q: the metrics endpoint listens on loopback only (127.0.0.1:PORT or [::1]:PORT)", v)
		}
		*listen = v
	}
	return nil
}

func isLoopbackListen(v string) bool {
	return strings.HasPrefix(v, "127.0.0.1:") || strings.HasPrefix(v, "[::1]:") || strings.HasPrefix(v, "localhost:")
}

// readSources reads every [source NAME] section; with none, the defaults'
// kmsg collector stays.
func readSources(c *confFile, cfg *daemonConfig) error {
	specs := func(kind string) (sectionSpec, bool) {
		ct, ok := collectorTypes[kind]
		return sectionSpec{keys: ct.keys, required: ct.required}, ok
	}
	list, err := readTypedSections(c, "source", "collector", specs, mapKeys(collectorTypes))
	if len(list) > 0 {
		cfg.sources = list
	}
	return err
}

// sectionSpec is what a typed section of one kind may hold.
type sectionSpec struct {
	keys     map[string]func(string) error
	required []string
}

// readTypedSections reads every [PREFIX NAME] section: its type picks the
// spec its keys are checked against. Sections come back sorted by name.
func readTypedSections(c *confFile, prefix, what string, specs func(kind string) (sectionSpec, bool), kinds string) ([]sourceSettings, error) {
	var list []sourceSettings
	for _, s := range c.ini.Sections() {
		name, ok := strings.CutPrefix(s.Name(), prefix+" ")
		if !ok {
			continue
		}
		ts, err := readTyped(c, s, strings.TrimSpace(name), what, specs, kinds)
		if err != nil {
			return nil, err
		}
		list = append(list, ts)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list, nil
}

func readTyped(c *confFile, s *ini.Section, name, what string, specs func(string) (sectionSpec, bool), kinds string) (sourceSettings, error) {
	sec := s.Name()
	ts := sourceSettings{name: name, keys: map[string]string{}, lines: map[string]int{}}
	for _, k := range s.Keys() {
		ts.keys[k.Name()] = strings.TrimSpace(k.Value())
		ts.lines[k.Name()] = c.lines[sec+"."+k.Name()]
	}
	ts.kind = ts.keys["type"]
	delete(ts.keys, "type")
	spec, ok := specs(ts.kind)
	if !ok {
		return ts, c.errorf(sec, "type", "%q: want one of %s", ts.kind, kinds)
	}
	for _, k := range spec.required {
		if _, ok := ts.keys[k]; !ok {
			return ts, c.errorf(sec, "", "a %s %s needs %s", ts.kind, what, k)
		}
	}
	for k, v := range ts.keys {
		check, known := spec.keys[k]
		if !known {
			return ts, c.errorf(sec, k, "unknown key for a %s %s", ts.kind, what)
		}
		if err := check(v); err != nil {
			return ts, c.errorf(sec, k, "%v", err)
		}
	}
	return ts, nil
}

// mapKeys lists a map's keys, sorted, comma-separated.
func mapKeys[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// describe is one line about the configuration, for logs and config check.
func (c *daemonConfig) describe() string {
	var names []string
	for _, s := range c.sources {
		names = append(names, fmt.Sprintf("%s (%s)", s.name, s.kind))
	}
	return fmt.Sprintf("%s: collectors %s; database %s; socket %s", c.path, strings.Join(names, ", "), c.daemon.database, c.daemon.socket)
}
