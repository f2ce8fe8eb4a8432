package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"gopkg.in/ini.v1"
)

// confFile is ifw.conf read with gopkg.in/ini.v1, plus what the library
// does not keep: the line of every section and key, so errors say file:line.
type confFile struct {
	path  string
	ini   *ini.File
	lines map[string]int // "section" and "section.key" → line
}

// ConfError is a configuration error at a place in a file.
type ConfError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func loadConf(path string) (*confFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{Insensitive: false, AllowShadows: false}, data)
	if err != nil {
		return nil, &ConfError{File: path, Msg: err.Error()}
	}
	return &confFile{path: path, ini: f, lines: lineIndex(data)}, nil
}

// lineIndex finds the line of each "[section]" and "key = value".
func lineIndex(data []byte) map[string]int {
	idx := map[string]int{}
	section := ini.DefaultSection
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
			idx[section] = n
		default:
			key, _, _ := strings.Cut(line, "=")
			if k := strings.TrimSpace(key); idx[section+"."+k] == 0 {
				idx[section+"."+k] = n
			}
		}
	}
	return idx
}

// errorf makes a ConfError at a section's key (key "" for the section).
func (c *confFile) errorf(section, key, format string, args ...any) error {
	at := section
	if key != "" {
		at += "." + key
	}
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = fmt.Sprintf("[%s] %s: %s", section, key, msg)
	}
	return &ConfError{File: c.path, Line: c.lines[at], Msg: msg}
}

// readSection hands every key of [name] to apply; its error becomes a
// ConfError at the key. A missing section is no error.
func (c *confFile) readSection(name string, apply func(key, value string) error) error {
	sec, err := c.ini.GetSection(name)
	if err != nil {
		return nil
	}
	for _, k := range sec.Keys() {
		if err := apply(k.Name(), strings.TrimSpace(k.Value())); err != nil {
			return c.errorf(name, k.Name(), "%v", err)
		}
	}
	return nil
}
