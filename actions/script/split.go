package script

import (
	"fmt"
	"strings"
)

// SyntaxError is a command line Split refuses.
type SyntaxError struct {
	Offset int // of the offending byte
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("command line: at byte %d: %s", e.Offset, e.Reason)
}

// shellOnly are the bytes that mean something to a shell and nothing here:
// refused unquoted (and $ and ` inside double quotes too).
const shellOnly = "|&;<>()$`"

// splitter is Split's state: the words so far and the one being read.
type splitter struct {
	words  []string
	cur    strings.Builder
	inWord bool
}

// Split splits line into words as a POSIX shell would, without any
// expansion: blanks (space, tab, and newline, where a shell would end the
// command) separate words; '…' quotes
// everything; "…" quotes everything but \ before $ ` " \ or a newline;
// a backslash outside quotes quotes the next byte, and a backslash-newline
// disappears. Quotes may make an empty word (""). Shell syntax (see
// shellOnly, a # starting a word) and NUL bytes are refused with a
// *SyntaxError, as are an unterminated quote and a trailing backslash.
func Split(line string) ([]string, error) {
	if i := strings.IndexByte(line, 0); i >= 0 {
		return nil, &SyntaxError{i, "NUL byte"}
	}
	var sp splitter
	for i := 0; i < len(line); i++ {
		next, err := sp.step(line, i)
		if err != nil {
			return nil, err
		}
		i = next
	}
	sp.end()
	return sp.words, nil
}

// step reads the byte at i (and what it quotes) and returns the index of
// the last byte it consumed.
func (sp *splitter) step(line string, i int) (int, error) {
	switch c := line[i]; {
	case c == ' ' || c == '\t' || c == '\n':
		sp.end()
	case c == '\'':
		j := strings.IndexByte(line[i+1:], '\'')
		if j < 0 {
			return 0, &SyntaxError{i, "unterminated single quote"}
		}
		sp.add(line[i+1 : i+1+j])
		return i + 1 + j, nil
	case c == '"':
		return sp.double(line, i)
	case c == '\\':
		if i+1 == len(line) {
			return 0, &SyntaxError{i, "backslash at the end"}
		}
		if line[i+1] != '\n' {
			sp.add(line[i+1 : i+2])
		}
		return i + 1, nil
	case strings.IndexByte(shellOnly, c) >= 0:
		return 0, &SyntaxError{i, fmt.Sprintf("%q is shell syntax and no shell runs the command (quote it to mean it)", c)}
	case c == '#' && !sp.inWord:
		return 0, &SyntaxError{i, "'#' is a shell comment and no shell runs the command (quote it to mean it)"}
	default:
		sp.add(line[i : i+1])
	}
	return i, nil
}

// double reads the double-quoted string opening at i and returns the index
// of its closing quote.
func (sp *splitter) double(line string, i int) (int, error) {
	sp.add("")
	for j := i + 1; j < len(line); j++ {
		switch c := line[j]; {
		case c == '"':
			return j, nil
		case c == '\\' && j+1 < len(line) && strings.IndexByte("$`\"\\\n", line[j+1]) >= 0:
			if line[j+1] != '\n' {
				sp.add(line[j+1 : j+2])
			}
			j++
		case c == '$' || c == '`':
			return 0, &SyntaxError{j, fmt.Sprintf("%q would expand in a shell and no shell runs the command (use '…' or \\%c)", c, c)}
		default:
			sp.add(line[j : j+1])
		}
	}
	return 0, &SyntaxError{i, "unterminated double quote"}
}

// add appends s to the current word (starting one, even if s is empty).
func (sp *splitter) add(s string) {
	sp.cur.WriteString(s)
	sp.inWord = true
}

// end ends the current word, if any.
func (sp *splitter) end() {
	if sp.inWord {
		sp.words = append(sp.words, sp.cur.String())
		sp.cur.Reset()
		sp.inWord = false
	}
}
