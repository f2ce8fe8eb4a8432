package config

import (
	"slices"
	"sort"
	"strings"

	"github.com/ifw/ifw/etc"
	"gopkg.in/ini.v1"
)

// keys is a section's table: every key the section may hold, each with
// the parser that reads its value into the section's value T. A key the
// table lacks is refused.
type keys[T any] map[string]func(v string, dst *T) error

// reader reads one section of the file into the Config.
type reader interface {
	read(f *file, s *ini.Section, c *Config) error
}

// sections is the table of ifw.conf's sections: the fixed ones by name,
// the typed ones ([source NAME], [action NAME]) by their first word.
var (
	sections = map[string]reader{
		"daemon":  section[Daemon]{keys: daemonKeys, field: func(c *Config) *Daemon { return &c.Daemon }, check: (*Daemon).validate},
		"detect":  section[Detect]{keys: detectKeys, field: func(c *Config) *Detect { return &c.Detect }, check: (*Detect).validate},
		"block":   section[Block]{keys: blockKeys, field: func(c *Config) *Block { return &c.Block }, check: (*Block).validate},
		"report":  section[Report]{keys: reportKeys, field: func(c *Config) *Report { return &c.Report }, check: (*Report).validate},
		"verdict": section[Verdict]{keys: verdictKeys, field: func(c *Config) *Verdict { return &c.Verdict }, check: (*Verdict).validate},
		"store":   section[Store]{keys: storeKeys, field: func(c *Config) *Store { return &c.Store }, check: (*Store).validate},
		"fleet":   section[Fleet]{keys: fleetKeys, field: func(c *Config) *Fleet { return &c.Fleet }, check: (*Fleet).validate},
		"metrics": section[Metrics]{keys: metricsKeys, field: func(c *Config) *Metrics { return &c.Metrics }},
	}
	typedSections = map[string]reader{
		"source": typed[Source]{prefix: "source", what: "collector", kinds: sourceKinds, make: newSource,
			add: func(c *Config, s Source) { c.Sources = append(c.Sources, s) }},
		"action": typed[Action]{prefix: "action", what: "action", kinds: actionKinds, common: routeKeys, make: newAction,
			add: func(c *Config, a Action) { c.Actions = append(c.Actions, a) }},
	}
)

// knownSections names the sections, for the error about an unknown one.
const knownSections = "[daemon], [store], [fleet], [detect], [block], [report], [verdict], [metrics], [source NAME], [action NAME]"

// readSections reads every section of f, in the file's order, into c.
func readSections(f *file, c *Config) error {
	for _, s := range f.ini.Sections() {
		name := s.Name()
		if name == ini.DefaultSection {
			if ks := s.Keys(); len(ks) > 0 {
				k := ks[0].Name()
				return &etc.ConfigError{File: f.path, Line: f.line(name, k), Key: k, Reason: "outside any section"}
			}
			continue
		}
		r, ok := sections[name]
		if prefix, rest, cut := strings.Cut(name, " "); cut && strings.TrimSpace(rest) != "" {
			r, ok = typedSections[prefix]
		}
		if !ok {
			return f.errorf(name, "", "unknown section; known: %s", knownSections)
		}
		if err := r.read(f, s, c); err != nil {
			return err
		}
	}
	return nil
}

// section is a section ifw.conf holds at most once: its keys are read into
// one field of the Config, then check (the owning package's Validate) is
// run over it.
type section[T any] struct {
	keys  keys[T]
	field func(*Config) *T
	check func(*T) error // nil: nothing to check
}

func (sec section[T]) read(f *file, s *ini.Section, c *Config) error {
	dst := sec.field(c)
	if err := readKeys(f, s, sec.keys, dst, ""); err != nil {
		return err
	}
	if sec.check == nil {
		return nil
	}
	if err := sec.check(dst); err != nil {
		return f.place(s.Name(), "", err)
	}
	return nil
}

// readKeys parses each key of s with its entry in ks, into dst. what
// qualifies "unknown key" ("for a kmsg collector").
func readKeys[T any](f *file, s *ini.Section, ks keys[T], dst *T, what string, more ...keys[T]) error {
	for _, k := range s.Keys() {
		parse, ok := ks[k.Name()]
		for _, m := range more {
			if !ok {
				parse, ok = m[k.Name()]
			}
		}
		if !ok {
			return f.errorf(s.Name(), k.Name(), "unknown key%s; known: %s", what, keyNames(append(more, ks)...))
		}
		if err := parse(strings.TrimSpace(k.Value()), dst); err != nil {
			return f.place(s.Name(), k.Name(), err)
		}
	}
	return nil
}

// keyNames lists the keys of key tables.
func keyNames[T any](tables ...keys[T]) string {
	ms := make([]map[string]func(string, *T) error, len(tables))
	for i, t := range tables {
		ms[i] = t
	}
	return names(ms...)
}

// names lists the keys of tables, sorted, comma-separated.
func names[V any](tables ...map[string]V) string {
	var list []string
	for _, t := range tables {
		for k := range t {
			list = append(list, k)
		}
	}
	sort.Strings(list)
	return strings.Join(slices.Compact(list), ", ")
}
