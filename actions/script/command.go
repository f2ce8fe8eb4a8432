package script

import (
	"errors"
	"strings"
)

// ErrNoProgram: a command line without a program (empty, or only
// NAME=value words).
var ErrNoProgram = errors.New("no program")

// command is a parsed command line.
type command struct {
	assign  []string // leading NAME=value words, in order
	program string   // as written
	args    []string // the rest, with their placeholders
}

// parseCommand splits line and separates its leading NAME=value words and
// its program from the arguments.
func parseCommand(line string) (command, error) {
	words, err := Split(line)
	if err != nil {
		return command{}, err
	}
	var c command
	for len(words) > 0 && isAssignment(words[0]) {
		c.assign, words = append(c.assign, words[0]), words[1:]
	}
	if len(words) == 0 || words[0] == "" {
		return command{}, ErrNoProgram
	}
	c.program, c.args = words[0], words[1:]
	return c, nil
}

// isAssignment: w is NAME=value with NAME a shell variable name.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if c != '_' && !isAlpha(c) && (i == 0 || !isDigit(c)) {
			return false
		}
	}
	return true
}

// pathOf is the PATH the command sets, or "".
func (c command) pathOf() string {
	path := ""
	for _, a := range c.assign {
		if v, ok := strings.CutPrefix(a, "PATH="); ok {
			path = v
		}
	}
	return path
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
