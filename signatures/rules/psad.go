package rules

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ifw/ifw/sources"
)

// ParsePsad reads psad's signature format (snort-like rules, see the
// package documentation) from r; name is used in error messages. Rules that
// need the payload or an unsupported keyword are skipped and listed in
// Set.Skipped; malformed rules are errors (*ParseError, up to 20, joined).
func ParsePsad(r io.Reader, name string) (*Set, error) {
	p := psadParser{ruleParser: ruleParser{errs: errorList{file: name}, seen: map[int]int{}}}
	err := readRules(r, func(line int, text string) bool {
		if err := p.rule(name, line, text); err != nil {
			p.errs.add(line, err)
		}
		return !p.errs.full()
	})
	if err != nil {
		return nil, fmt.Errorf("rules: reading %s: %w", name, err)
	}
	if len(p.errs.errs) > 0 {
		return nil, p.errs.err()
	}
	return newSet(p.rules, p.skipped)
}

type psadParser struct {
	ruleParser
	skipped []Skipped
}

// psadRule is what the options of one psad rule say besides the tests.
type psadRule struct {
	b          builder
	sid, psad  int
	level      int
	msg        string
	skipReason string
}

func (p *psadParser) rule(file string, line int, text string) error {
	pr, err := parsePsadRule(text)
	if err != nil {
		return err
	}
	id := pr.psad
	if id == 0 {
		id = pr.sid
	}
	if id == 0 && pr.skipReason == "" {
		return errors.New("no psad_id or sid")
	}
	if pr.skipReason == "" && pr.b.nconds == 0 {
		pr.skipReason = "no header test: it would match every packet"
	}
	if pr.skipReason != "" {
		p.skipped = append(p.skipped, Skipped{File: file, Line: line, ID: id, Reason: pr.skipReason})
		return nil
	}
	if pr.msg == "" {
		pr.msg = "psad signature " + strconv.Itoa(id)
	}
	if err := errors.Join(pr.b.setID(id), pr.b.setName(pr.msg), pr.b.setLevel(pr.level)); err != nil {
		return err
	}
	r, err := pr.b.finish()
	if err != nil {
		p.skipped = append(p.skipped, Skipped{File: file, Line: line, ID: id, Reason: err.Error()})
		return nil
	}
	if first, dup := p.seen[r.ID]; dup {
		return fmt.Errorf("duplicate id %d (first at line %d)", r.ID, first)
	}
	p.seen[r.ID] = line
	r.Origin = file + ":" + strconv.Itoa(line)
	p.rules = append(p.rules, r)
	return nil
}

// parsePsadRule parses "action proto src sport dir dst dport (options)".
func parsePsadRule(text string) (*psadRule, error) {
	open := strings.IndexByte(text, '(')
	body := strings.TrimSpace(text[open+1:])
	if open < 0 || !strings.HasSuffix(body, ")") {
		return nil, errors.New("expected: action proto src sport -> dst dport (options)")
	}
	hdr := strings.Fields(text[:open])
	if len(hdr) != 7 {
		return nil, fmt.Errorf("header has %d fields, want 7: action proto src sport -> dst dport", len(hdr))
	}
	pr := &psadRule{level: 2}
	if err := pr.header(hdr); err != nil {
		return nil, err
	}
	opts, err := splitPsadOptions(body[:len(body)-1])
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		if err := pr.option(o); err != nil {
			if !strings.HasPrefix(err.Error(), o.key+":") {
				err = fmt.Errorf("%s: %w", o.key, err)
			}
			return nil, err
		}
	}
	return pr, nil
}

func (pr *psadRule) header(h []string) error {
	switch h[0] {
	case "alert", "log", "drop", "reject", "sdrop":
	case "pass", "activate", "dynamic":
		pr.skipReason = "action " + h[0]
	default:
		return fmt.Errorf("unknown action %q", h[0])
	}
	if h[1] != "ip" {
		p, ok := sources.ProtoByName(h[1])
		if !ok {
			return fmt.Errorf("unknown protocol %q", h[1])
		}
		pr.b.addNum(fProto, valueSet{pos: []span{{uint32(p), uint32(p)}}})
	}
	switch h[4] {
	case "->":
	case "<>":
		pr.b.r.c.bidir = true
	default:
		return fmt.Errorf("direction %q is not -> or <>", h[4])
	}
	for i, dst := range []bool{false, true} {
		if err := pr.endpoint(dst, h[2+3*i], h[3+3*i]); err != nil {
			return err
		}
	}
	return nil
}

// endpoint parses one address and port of the header.
func (pr *psadRule) endpoint(dst bool, addr, port string) error {
	a, err := parsePsadAddrs(addr)
	if err != nil {
		return err
	}
	if err := pr.b.setAddrs(dst, a); err != nil {
		return err
	}
	ports, err := parsePsadPorts(port)
	if err != nil {
		return err
	}
	if len(ports.pos)+len(ports.neg) > 0 {
		f := fSport
		if dst {
			f = fDport
		}
		pr.b.addNum(f, ports)
	}
	return nil
}
