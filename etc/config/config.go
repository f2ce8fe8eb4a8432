package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// DefaultPath is where the daemon and the commands look for ifw.conf.
const DefaultPath = "/etc/ifw/ifw.conf"

// DefaultSocket is the daemon's control socket unless [daemon] socket
// says otherwise; the control API's clients call it by default.
const DefaultSocket = "/run/ifw/ifw.sock"

// DefaultsPath is the Path of a configuration that is the built-in
// defaults (no file was read).
const DefaultsPath = "(defaults)"

// Config is the whole of ifw.conf as the daemon uses it.
type Config struct {
	// Path is the file read, or DefaultsPath.
	Path    string
	Daemon  Daemon
	Store   Store
	Fleet   Fleet
	Detect  Detect
	Block   Block
	Report  Report
	Verdict Verdict
	Metrics Metrics
	// Sources are the [source NAME] sections, sorted by name; without any,
	// one kmsg collector.
	Sources []Source
	// Actions are the [action NAME] sections, sorted by name.
	Actions []Action
}

// Default is the configuration without a file: every section's defaults
// and one kmsg collector.
func Default() *Config {
	host, _ := os.Hostname()
	return &Config{
		Path:    DefaultsPath,
		Daemon:  defaultDaemon(host),
		Fleet:   defaultFleet(),
		Detect:  defaultDetect(),
		Block:   defaultBlock(),
		Report:  defaultReport(),
		Verdict: defaultVerdict(),
		Sources: []Source{newSource("kmsg", "kmsg", where{})},
	}
}

// Load reads the file at path over the defaults. A missing file gives
// Default unless explicit, when it is an error (fs.ErrNotExist). Every
// error about the file's content is an *etc.ConfigError at its line.
func Load(path string, explicit bool) (*Config, error) {
	cfg := Default()
	f, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	cfg.Path = path
	defaultSources := cfg.Sources
	cfg.Sources = nil
	if err := readSections(f, cfg); err != nil {
		return nil, err
	}
	if err := checkShare(f, cfg); err != nil {
		return nil, err
	}
	if len(cfg.Sources) == 0 {
		cfg.Sources = defaultSources
	}
	if err := sortUnique(cfg.Sources, func(s Source) string { return s.Name }, func(s Source) where { return s.at }, "collector"); err != nil {
		return nil, err
	}
	if err := sortUnique(cfg.Actions, func(a Action) string { return a.Name }, func(a Action) where { return a.at }, "action"); err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadFile is the daemon's configuration: the file at path. A missing
// file is an error, as for `ifw config check`, unless defaults asks for
// the built-in defaults (the daemon creates ipsets and watches the kernel
// log: it never does so on a guess).
func LoadFile(path string, defaults bool) (*Config, error) {
	cfg, err := Load(path, !defaults)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w; write it (etc/ifw.conf documents every key, `ifw config check` checks it) or start with --defaults to run on the built-in defaults", err)
	}
	return cfg, err
}

// Describe is one line about the configuration, for logs and config check.
func (c *Config) Describe() string {
	var names []string
	for _, s := range c.Sources {
		names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.Type))
	}
	return fmt.Sprintf("%s: collectors %s; database %s; socket %s", c.Path, strings.Join(names, ", "), c.Daemon.Database, c.Daemon.Socket)
}
