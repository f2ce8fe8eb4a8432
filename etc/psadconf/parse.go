package psadconf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ifw/ifw/etc"
)

// MaxLine bounds one line of psad.conf; MaxFile the whole file.
const (
	MaxLine = 64 << 10
	MaxFile = 1 << 20
)

// maxExpand bounds $VAR expansion (a variable naming itself, directly or
// through others, would never end).
const maxExpand = 16

// Entry is one `KEY value;` line, its value with $VARs expanded.
type Entry struct {
	Key, Value string
	// Raw is the value as written.
	Raw  string
	Line int
}

// Conf is psad.conf as read: its entries in file order.
type Conf struct {
	Name    string
	Entries []Entry
	last    map[string]int // key → index of its last entry
}

// Get is the value of key's last line (psad keeps the last), and whether
// the file holds it.
func (c *Conf) Get(key string) (string, bool) {
	i, ok := c.last[key]
	if !ok {
		return "", false
	}
	return c.Entries[i].Value, true
}

// All are the values of every line of key, in order (psad reads
// FW_MSG_SEARCH and IGNORE_LOG_PREFIXES from several lines).
func (c *Conf) All(key string) []string {
	var out []string
	for _, e := range c.Entries {
		if e.Key == key {
			out = append(out, e.Value)
		}
	}
	return out
}

// Parse reads psad.conf from r, named name in its errors (file:line, an
// *etc.ConfigError). A line is `KEY value;` (psad's own reading: the
// value runs to the first ';', what follows is a comment), '#' starts a
// comment line, and $KEY in a value stands for another key's value.
func Parse(r io.Reader, name string) (*Conf, error) {
	c := &Conf{Name: name, last: map[string]int{}}
	sc := bufio.NewScanner(io.LimitReader(r, MaxFile+1))
	sc.Buffer(make([]byte, 0, 4096), MaxLine)
	n, size := 0, 0
	for sc.Scan() {
		n++
		size += len(sc.Bytes()) + 1
		if size > MaxFile+1 {
			return nil, &etc.ConfigError{File: name, Line: n, Reason: fmt.Sprintf("file larger than %d bytes", MaxFile)}
		}
		e, ok, err := parseLine(sc.Text())
		if err != nil {
			return nil, &etc.ConfigError{File: name, Line: n, Reason: err.Error()}
		}
		if ok {
			e.Line = n
			c.last[e.Key] = len(c.Entries)
			c.Entries = append(c.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		reason := err.Error()
		if errors.Is(err, bufio.ErrTooLong) {
			reason = fmt.Sprintf("line longer than %d bytes", MaxLine)
		}
		return nil, &etc.ConfigError{File: name, Line: n + 1, Reason: reason, Err: err}
	}
	for i := range c.Entries {
		v, err := c.expand(c.Entries[i].Raw, 0)
		if err != nil {
			return nil, &etc.ConfigError{File: name, Line: c.Entries[i].Line, Key: c.Entries[i].Key, Reason: err.Error()}
		}
		c.Entries[i].Value = v
	}
	return c, nil
}

func parseLine(line string) (Entry, bool, error) {
	s := strings.TrimSpace(line)
	if s == "" || s[0] == '#' {
		return Entry{}, false, nil
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
		return Entry{}, false, errors.New("control character")
	}
	key, rest, _ := strings.Cut(strings.ReplaceAll(s, "\t", " "), " ")
	if !validKey(key) {
		return Entry{}, false, fmt.Errorf("%q is not a psad key (letters, digits, _)", key)
	}
	val, _, found := strings.Cut(rest, ";")
	if !found {
		return Entry{}, false, fmt.Errorf("%s: the value does not end with ';'", key)
	}
	val = strings.TrimSpace(val)
	if val == "" {
		return Entry{}, false, fmt.Errorf("%s: no value", key)
	}
	return Entry{Key: key, Raw: val}, true, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// expand replaces every $KEY of v by KEY's value, as psad does; an unknown
// KEY is an error (psad stops on it too).
func (c *Conf) expand(v string, depth int) (string, error) {
	if !strings.Contains(v, "$") {
		return v, nil
	}
	if depth >= maxExpand {
		return "", errors.New("$ variables nest too deep (a loop?)")
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(v, '$')
		if i < 0 {
			b.WriteString(v)
			return b.String(), nil
		}
		b.WriteString(v[:i])
		j := i + 1
		for j < len(v) && validKey(v[j:j+1]) {
			j++
		}
		name := v[i+1 : j]
		if name == "" {
			b.WriteByte('$') // a lone $ (a regex's end anchor)
			v = v[j:]
			continue
		}
		k, ok := c.last[name]
		if !ok {
			return "", fmt.Errorf("$%s: no such key", name)
		}
		sub, err := c.expand(c.Entries[k].Raw, depth+1)
		if err != nil {
			return "", err
		}
		if b.Len()+len(sub) > MaxLine {
			return "", fmt.Errorf("value longer than %d bytes once expanded", MaxLine)
		}
		b.WriteString(sub)
		v = v[j:]
	}
}
