package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ifw/ifw/etc"
	"gopkg.in/ini.v1"
)

// file is ifw.conf read with gopkg.in/ini.v1, plus what the library does
// not keep: the line of every section and key, so errors say file:line.
type file struct {
	path  string
	ini   *ini.File
	lines map[string]int // "section" and "section\x00key" → line
}

func at(section, key string) string {
	if key == "" {
		return section
	}
	return section + "\x00" + key
}

func readFile(path string) (*file, error) {
	data, err := readRegular(path, maxConfFile)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &etc.ConfigError{File: path, Line: 1 + bytes.Count(data[:i], []byte{'\n'}), Reason: "NUL byte"}
	}
	lines, err := lineIndex(path, data)
	if err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{Insensitive: false, AllowShadows: false}, data)
	if err != nil {
		return nil, &etc.ConfigError{File: path, Reason: err.Error(), Err: err}
	}
	return &file{path: path, ini: f, lines: lines}, nil
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
		key := ""
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
		default:
			k, _, _ := strings.Cut(line, "=")
			key = strings.TrimSpace(k)
		}
		if first := idx[at(section, key)]; first != 0 {
			return nil, &etc.ConfigError{File: path, Line: n, Section: section, Key: key,
				Reason: fmt.Sprintf("written twice (first at line %d)", first)}
		}
		idx[at(section, key)] = n
	}
	return idx, sc.Err()
}

// line is where section's key is written; the section's own line when the
// key is not (a Validate error about a value left at its default).
func (f *file) line(section, key string) int {
	if n := f.lines[at(section, key)]; n != 0 {
		return n
	}
	return f.lines[section]
}

// errorf is an error at section's key (key "" for the section itself).
func (f *file) errorf(section, key, format string, args ...any) error {
	return &etc.ConfigError{File: f.path, Line: f.line(section, key), Section: section, Key: key,
		Reason: fmt.Sprintf(format, args...)}
}

// place puts err at section's key: a key parser's error, or a Validate
// error whose Key names the key it is about. An error that is not a
// *etc.ConfigError is placed at key, or at the section when key is "".
func (f *file) place(section, key string, err error) error {
	var ce *etc.ConfigError
	if errors.As(err, &ce) && ce.File == "" {
		placed := *ce
		if placed.Key == "" {
			placed.Key = key
		}
		placed.File, placed.Section, placed.Line = f.path, section, f.line(section, placed.Key)
		return &placed
	}
	if errors.As(err, &ce) {
		return err // placed already (a file the configuration names)
	}
	return &etc.ConfigError{File: f.path, Line: f.line(section, key), Section: section, Key: key, Reason: err.Error(), Err: err}
}
