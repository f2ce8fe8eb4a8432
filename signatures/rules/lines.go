package rules

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxRuleLen bounds one logical line (a rule with its continuations).
const maxRuleLen = 64 << 10

var errRuleTooLong = errors.New("rule longer than 64 KiB")

// tooLongError is errRuleTooLong at the line the rule starts on.
type tooLongError struct{ line int }

func (e *tooLongError) Error() string { return fmt.Sprintf("line %d: %v", e.line, errRuleTooLong) }

func (e *tooLongError) Unwrap() error { return errRuleTooLong }

// readRules calls fn with each logical line of r and the number of the line
// it starts on. Blank lines and lines whose first non-blank character is #
// are skipped; a line ending in a backslash continues on the next line (a
// blank line ends it). fn returns false to stop early.
func readRules(r io.Reader, fn func(line int, text string) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxRuleLen)
	j := joiner{fn: fn}
	n := 1
	for ; sc.Scan(); n++ {
		s := sc.Text()
		if n == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		more, err := j.add(n, strings.TrimSpace(s))
		if err != nil {
			return &tooLongError{line: j.start}
		}
		if !more {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &tooLongError{line: n}
		}
		return err
	}
	j.flush()
	return nil
}

// joiner joins continued lines.
type joiner struct {
	buf   strings.Builder
	start int
	fn    func(line int, text string) bool
}

// add adds line n (trimmed); it reports false when fn asked to stop.
func (j *joiner) add(n int, t string) (bool, error) {
	switch {
	case t == "":
		return j.flush(), nil
	case t[0] == '#':
		return true, nil
	case j.buf.Len() == 0:
		j.start = n
	default:
		j.buf.WriteByte(' ')
	}
	if j.buf.Len()+len(t) > maxRuleLen {
		return false, errRuleTooLong
	}
	cont := strings.HasSuffix(t, `\`)
	j.buf.WriteString(strings.TrimSuffix(t, `\`))
	if cont {
		return true, nil
	}
	return j.flush(), nil
}

func (j *joiner) flush() bool {
	if j.buf.Len() == 0 {
		return true
	}
	s := j.buf.String()
	j.buf.Reset()
	return j.fn(j.start, s)
}
