package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ifw/ifw/etc"
	"gopkg.in/ini.v1"
)

// kind is one type of a typed section ([source NAME] type = file): the
// keys it takes, those it needs, and the check run over what they gave
// (the owning package's Validate).
type kind[T any] struct {
	keys     keys[T]
	required []string
	check    func(*T) error // nil: nothing to check
}

// typed is a section written once per NAME, [PREFIX NAME]: its type key
// picks the kind whose table reads its other keys; common keys (an
// action's routing) are taken by every kind.
type typed[T any] struct {
	prefix, what string // "action", "action"; "source", "collector"
	kinds        map[string]kind[T]
	common       keys[T]
	make         func(name, typ string, w where) T
	add          func(*Config, T)
}

// typeKey is read before the others: it picks the table.
func typeKey[T any]() keys[T] {
	return keys[T]{"type": func(string, *T) error { return nil }}
}

func (t typed[T]) read(f *file, s *ini.Section, c *Config) error {
	sec := s.Name()
	name := strings.TrimSpace(strings.TrimPrefix(sec, t.prefix+" "))
	typ := ""
	if k, err := s.GetKey("type"); err == nil {
		typ = strings.TrimSpace(k.Value())
	}
	kd, ok := t.kinds[typ]
	if !ok {
		return f.errorf(sec, "type", "%q: want one of %s", typ, names(t.kinds))
	}
	for _, k := range kd.required {
		if !s.HasKey(k) {
			return f.errorf(sec, "", "a %s %s needs %s", typ, t.what, k)
		}
	}
	v := t.make(name, typ, f.where(s))
	if err := readKeys(f, s, kd.keys, &v, fmt.Sprintf(" for a %s %s", typ, t.what), t.common, typeKey[T]()); err != nil {
		return err
	}
	if kd.check != nil {
		if err := kd.check(&v); err != nil {
			return f.place(sec, "", err)
		}
	}
	t.add(c, v)
	return nil
}

// where is a typed section's place in the file, kept with its Source or
// Action for the errors it gives when it is built (a script's program not
// found, a password file not read).
type where struct {
	file, section string
	lines         map[string]int // key → line; "" → the section's line
}

func (f *file) where(s *ini.Section) where {
	w := where{file: f.path, section: s.Name(), lines: map[string]int{"": f.lines[s.Name()]}}
	for _, k := range s.Keys() {
		w.lines[k.Name()] = f.line(s.Name(), k.Name())
	}
	return w
}

// place puts err at the key it names (a *etc.ConfigError with Key), else
// at the first of keys the section holds, else at the section.
func (w where) place(err error, keys ...string) error {
	if err == nil {
		return nil
	}
	var ce *etc.ConfigError
	if errors.As(err, &ce) && ce.File == "" {
		placed := *ce
		placed.File, placed.Section, placed.Line = w.file, w.section, w.line(ce.Key)
		return &placed
	}
	line := w.lines[""]
	for _, k := range keys {
		if n := w.lines[k]; n != 0 {
			line = n
			break
		}
	}
	return &etc.ConfigError{File: w.file, Line: line, Section: w.section, Reason: err.Error(), Err: err}
}

func (w where) line(key string) int {
	if n := w.lines[key]; n != 0 {
		return n
	}
	return w.lines[""]
}

// sortUnique sorts typed sections by name and refuses a name given twice
// ([source a] and [source  a]).
func sortUnique[T any](list []T, name func(T) string, at func(T) where, what string) error {
	sort.SliceStable(list, func(i, j int) bool { return name(list[i]) < name(list[j]) })
	for i := 1; i < len(list); i++ {
		if name(list[i]) == name(list[i-1]) {
			w := at(list[i])
			return &etc.ConfigError{File: w.file, Line: w.lines[""], Section: w.section,
				Reason: fmt.Sprintf("a second %s named %q", what, name(list[i]))}
		}
	}
	return nil
}
