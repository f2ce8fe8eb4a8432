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
// package documentation) from r; name is used in Skipped entries. It loads
// every file psad loads: a rule it cannot use is skipped and listed in
// Set.Skipped (SkipPayload for rules that need the payload or an unsupported
// keyword, SkipBad for lines it cannot read or use), never an error. Errors
// are only reading errors (and a rule longer than 64 KiB).
func ParsePsad(r io.Reader, name string) (*Set, error) {
	p := psadParser{ruleParser: ruleParser{seen: map[int]int{}}}
	err := readRules(r, func(line int, text string) bool {
		if err := p.rule(name, line, text); err != nil {
			p.skipped = append(p.skipped, Skipped{File: name, Line: line, Kind: SkipBad, Reason: err.Error()})
		}
		return true
	})
	var tl *tooLongError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s:%d: %w", name, tl.line, errRuleTooLong)
	} else if err != nil {
		return nil, fmt.Errorf("rules: reading %s: %w", name, err)
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
	proto      string     // the header's protocol, as written
	dsizes     []valueSet // dsize and psad_dsize tests, in psad's terms
	skipKind   SkipKind
	skipReason string
}

// skip marks the rule as one to skip, keeping the first reason.
func (pr *psadRule) skip(k SkipKind, reason string) {
	if pr.skipReason == "" {
		pr.skipKind, pr.skipReason = k, reason
	}
}

// rule reads one rule; an error makes the line a SkipBad entry.
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
		pr.skip(SkipBad, "no header test: it would match every packet")
	}
	if pr.skipReason != "" {
		p.skipped = append(p.skipped, Skipped{File: file, Line: line, ID: id, Kind: pr.skipKind, Reason: pr.skipReason})
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
		p.skipped = append(p.skipped, Skipped{File: file, Line: line, ID: id, Kind: SkipBad, Reason: err.Error()})
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
// As in psad, the options run to the last ")" of the line and what follows
// it (often a stray ";") is ignored.
func parsePsadRule(text string) (*psadRule, error) {
	open, end := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
	if open < 0 || end < open {
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
	opts, err := splitPsadOptions(text[open+1 : end])
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
	for _, set := range pr.dsizes {
		if err := pr.dsize(set); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

func (pr *psadRule) header(h []string) error {
	switch h[0] {
	case "alert", "log", "drop", "reject", "sdrop":
	case "pass", "activate", "dynamic":
		pr.skip(SkipBad, "action "+h[0])
	default:
		return fmt.Errorf("unknown action %q", h[0])
	}
	pr.proto = h[1]
	if h[1] != "ip" {
		p, ok := sources.ProtoByName(h[1])
		if !ok {
			return fmt.Errorf("unknown protocol %q", h[1])
		}
		pr.b.addNum(fProto, valueSet{pos: []span{{uint32(p), uint32(p)}}})
	}
	src, dst := h[2], h[5]
	switch h[4] {
	case "->":
	case "<>": // psad 2.4.6 reads it and never uses it: the rule is "->"
	case "<-": // as psad reads it: the addresses swap, the ports do not
		src, dst = dst, src
	default:
		return fmt.Errorf("direction %q is not ->, <- or <>", h[4])
	}
	if err := pr.endpoint(false, src, h[3]); err != nil {
		return err
	}
	return pr.endpoint(true, dst, h[6])
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
