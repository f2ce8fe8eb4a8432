package rules

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Parse reads rules in ifw's format (see the package documentation) from
// r; name is used in error messages. Syntax errors are *ParseError values
// (up to 20, joined).
func Parse(r io.Reader, name string) (*Set, error) {
	p := ruleParser{errs: errorList{file: name}, seen: map[int]int{}}
	err := readRules(r, func(line int, text string) bool {
		if err := p.rule(name, line, text); err != nil {
			p.errs.add(line, err)
		}
		return !p.errs.full()
	})
	var tl *tooLongError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s:%d: %w", name, tl.line, errRuleTooLong)
	} else if err != nil {
		return nil, fmt.Errorf("rules: reading %s: %w", name, err)
	}
	if len(p.errs.errs) > 0 {
		return nil, p.errs.err()
	}
	return newSet(p.rules, nil)
}

type ruleParser struct {
	errs  errorList
	seen  map[int]int // rule id -> line
	rules []*Rule
	toks  []token // the current line's, reused: a rule keeps none of them
}

var errPsadLine = errors.New("this is a psad signature: psad files are read with ParsePsad")

func (p *ruleParser) rule(file string, line int, text string) error {
	if strings.HasPrefix(text, "alert ") {
		return errPsadLine
	}
	toks, err := tokenize(p.toks[:0], text)
	p.toks = toks
	if err != nil {
		return err
	}
	var b builder
	for _, t := range toks {
		if err := b.apply(t); err != nil {
			return err
		}
	}
	r, err := b.finish()
	if err != nil {
		return err
	}
	if first, dup := p.seen[r.ID]; dup {
		return fmt.Errorf("duplicate id %d (first at line %d)", r.ID, first)
	}
	p.seen[r.ID] = line
	r.Origin = file + ":" + strconv.Itoa(line)
	p.rules = append(p.rules, r)
	return nil
}

// apply applies one ifw keyword.
func (b *builder) apply(t token) error {
	if t.bare {
		return b.applyBare(t.key)
	}
	switch t.key {
	case "sameip", "bidir":
		return fmt.Errorf("%s takes no value", t.key)
	case "id", "level", "count":
		return b.applyInt(t)
	case "name":
		return b.setName(t.val)
	case "class":
		return b.setClass(t.val)
	case "flags", "fragbits":
		return b.applyBits(t)
	case "src", "dst":
		s, err := parseAddrs(t.key, t.op, t.val)
		if err != nil {
			return err
		}
		return b.setAddrs(t.key == "dst", s)
	case "ipopts", "tcpopts":
		names := &ipOptNames
		if t.key == "tcpopts" {
			names = &tcpOptNames
		}
		o, err := names.parse(t.op, t.val)
		if err != nil {
			return err
		}
		return b.setOpts(t.key == "tcpopts", o)
	}
	return b.applyNum(t)
}

func (b *builder) applyBare(key string) error {
	switch key {
	case "sameip":
		b.setSameIP()
	case "bidir":
		b.r.c.bidir = true
	default:
		if _, ok := fieldByName(key); ok || isValued(key) {
			return fmt.Errorf("%s needs a value", key)
		}
		return fmt.Errorf("unknown keyword %q", key)
	}
	return nil
}

func isValued(key string) bool {
	switch key {
	case "id", "level", "count", "name", "class", "flags", "fragbits", "src", "dst", "ipopts", "tcpopts":
		return true
	}
	return false
}

func (b *builder) applyInt(t token) error {
	if t.op != "=" || t.quoted {
		return fmt.Errorf("%s: expected %s=NUMBER", t.key, t.key)
	}
	n, err := strconv.Atoi(t.val)
	if err != nil || n > 1<<31-1 {
		return fmt.Errorf("%s: %q is not a number", t.key, t.val)
	}
	switch t.key {
	case "id":
		return b.setID(n)
	case "count":
		return b.setCount(n)
	}
	return b.setLevel(n)
}

func (b *builder) applyBits(t token) error {
	if t.op != "=" {
		return fmt.Errorf("%s: expected %s=FLAGS", t.key, t.key)
	}
	if t.key == "flags" {
		bt, err := tcpAlphabet.parse(t.val)
		if err != nil {
			return err
		}
		return b.addFlags(bt)
	}
	bt, err := fragAlphabet.parse(t.val)
	if err != nil {
		return err
	}
	return b.addFrag(bt)
}

func (b *builder) applyNum(t token) error {
	f, ok := fieldByName(t.key)
	if !ok {
		return fmt.Errorf("unknown keyword %q", t.key)
	}
	if (f == fSeq || f == fAck) && (t.val == "src" || t.val == "dst") {
		if t.op != "=" {
			return fmt.Errorf("%s: only %s=%s is supported", t.key, t.key, t.val)
		}
		b.addEq(f, t.val == "dst")
		return nil
	}
	set, err := parseValues(&fieldInfos[f], t.op, t.val)
	if err != nil {
		return err
	}
	b.addNum(f, set)
	return nil
}
