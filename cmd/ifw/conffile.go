package main

import (
	"bufio"
	"bytes"
	"fmt"
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
	data, err := readRegular(path, maxConfFile)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &ConfError{File: path, Line: 1 + bytes.Count(data[:i], []byte{'\n'}), Msg: "NUL byte"}
	}
	lines, err := lineIndex(path, data)
	if err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{Insensitive: false, AllowShadows: false}, data)
	if err != nil {
		return nil, &ConfError{File: path, Msg: err.Error()}
	}
	return &confFile{path: path, ini: f, lines: lines}, nil
}

// lineIndex finds the line of each "[section]" and "key = value". A
// section or a key written twice is an error: the library would merge the
// sections and keep one value without a word, and the admin would not
// know which of the two settings ifw runs with.
func lineIndex(path string, data []byte) (map[string]int, error) {
	idx := map[string]int{}
	section := ini.DefaultSection
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxConfFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		at := ""
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
			at = section
		default:
			key, _, _ := strings.Cut(line, "=")
			at = section + "." + strings.TrimSpace(key)
		}
		if first := idx[at]; first != 0 {
			return nil, &ConfError{File: path, Line: n, Msg: fmt.Sprintf("%s written twice (first at line %d)", describeAt(at, section), first)}
		}
		idx[at] = n
	}
	return idx, sc.Err()
}

// describeAt names a section or a section's key for an error.
func describeAt(at, section string) string {
	if key, ok := strings.CutPrefix(at, section+"."); ok && at != section {
		return fmt.Sprintf("[%s] %s", section, key)
	}
	return "[" + at + "]"
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
