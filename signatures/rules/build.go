package rules

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ifw/ifw/sources"
)

// builder assembles one rule for both parsers.
type builder struct {
	r        Rule
	hasID    bool
	hasName  bool
	hasLevel bool
	nconds   int
}

func (b *builder) setID(id int) error {
	if b.hasID {
		return errors.New("duplicate id")
	}
	if id < 1 {
		return fmt.Errorf("id %d is not a positive number", id)
	}
	b.r.ID, b.hasID = id, true
	return nil
}

func (b *builder) setName(name string) error {
	switch {
	case b.hasName:
		return errors.New("duplicate name")
	case strings.TrimSpace(name) == "":
		return errors.New("empty name")
	case !utf8.ValidString(name) || strings.ContainsFunc(name, isControl):
		return errors.New("name has control characters or invalid UTF-8")
	}
	b.r.Name, b.hasName = name, true
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func (b *builder) setLevel(l int) error {
	if b.hasLevel {
		return errors.New("duplicate level")
	}
	if l < 1 || l > 5 {
		return fmt.Errorf("level %d is not 1-5", l)
	}
	b.r.Level, b.hasLevel = l, true
	return nil
}

// maxCount bounds count=N: beyond it a rule could never score in one scan
// window anyway.
const maxCount = 1_000_000

func (b *builder) setCount(n int) error {
	if b.r.Count != 0 {
		return errors.New("duplicate count")
	}
	if n < 1 || n > maxCount {
		return fmt.Errorf("count %d is not 1-%d", n, maxCount)
	}
	b.r.Count = n
	return nil
}

func (b *builder) setClass(class string) error {
	if b.r.Class != "" {
		return errors.New("duplicate class")
	}
	if class == "" || strings.ContainsFunc(class, isControl) || !utf8.ValidString(class) {
		return fmt.Errorf("bad class %q", class)
	}
	b.r.Class = class
	return nil
}

func (b *builder) addNum(f field, set valueSet) {
	b.r.c.nums = append(b.r.c.nums, numTest{f: f, set: set})
	b.r.c.need |= fieldInfos[f].need
	b.nconds++
}

func (b *builder) addFlags(t bitTest) error {
	b.r.c.need |= sources.HasTCP
	b.nconds++
	return b.r.c.flags.merge(t, "flags")
}

func (b *builder) addFrag(t bitTest) error {
	b.nconds++
	return b.r.c.frag.merge(t, "fragbits")
}

func (b *builder) addEq(f field, dst bool) {
	b.r.c.eqs = append(b.r.c.eqs, addrEq{f: f, dst: dst})
	b.r.c.need |= sources.HasSeq
	b.nconds++
}

func (b *builder) setAddrs(dst bool, s addrSet) error {
	key, to := "src", &b.r.c.src
	if dst {
		key, to = "dst", &b.r.c.dst
	}
	if to.on() {
		return fmt.Errorf("duplicate %s", key)
	}
	*to = s
	if s.on() {
		b.nconds++
	}
	return nil
}

func (b *builder) setOpts(tcp bool, t optTest) error {
	key, to := "ipopts", &b.r.c.ipopts
	if tcp {
		key, to = "tcpopts", &b.r.c.tcpopts
	}
	if to.on {
		return fmt.Errorf("duplicate %s", key)
	}
	*to = t
	b.nconds++
	return nil
}

func (b *builder) setSameIP() {
	b.r.c.sameIP = true
	b.nconds++
}

// finish checks the rule is complete and consistent.
func (b *builder) finish() (*Rule, error) {
	switch {
	case !b.hasID:
		return nil, errors.New("missing id")
	case !b.hasName:
		return nil, errors.New("missing name")
	case !b.hasLevel:
		return nil, errors.New("missing level")
	case b.nconds == 0:
		return nil, errors.New("no match condition: the rule would match every packet")
	}
	if err := b.r.c.lint(); err != nil {
		return nil, err
	}
	r := b.r
	return &r, nil
}

// lint rejects tests that can never apply to the rule's protocols.
func (c *conds) lint() error {
	protos, ok := c.protoList()
	if !ok {
		return nil
	}
	for _, pr := range protos {
		for _, t := range c.nums {
			if fi := &fieldInfos[t.f]; !fi.allows(pr) {
				return fmt.Errorf("%s does not apply to proto %s", fi.name, sources.ProtoName(pr))
			}
		}
		tcpOnly := c.flags.on || c.tcpopts.on || len(c.eqs) > 0
		if tcpOnly && pr != sources.ProtoTCP {
			return fmt.Errorf("TCP header tests do not apply to proto %s", sources.ProtoName(pr))
		}
	}
	return nil
}
