package rules

import (
	"strconv"
	"strings"
)

// String renders r in ifw's rules format; Parse reads it back to an
// equivalent rule. Rules read from a psad file are converted this way.
func (r *Rule) String() string {
	var b strings.Builder
	b.WriteString("id=" + strconv.Itoa(r.ID) + " level=" + strconv.Itoa(r.Level))
	if r.Count > 1 {
		b.WriteString(" count=" + strconv.Itoa(r.Count))
	}
	if r.Class != "" {
		b.WriteString(" class=" + quoteIfNeeded(r.Class))
	}
	b.WriteString(" name=" + quote(r.Name))
	r.c.format(&b)
	return b.String()
}

func (c *conds) format(b *strings.Builder) {
	kv := func(key, op, val string) { b.WriteString(" " + key + op + val) }
	for i := range c.nums {
		t := &c.nums[i]
		fi := &fieldInfos[t.f]
		kv(fi.name, "=", t.set.format(fi))
	}
	for _, v := range c.flags.format(&tcpAlphabet) {
		kv("flags", "=", v)
	}
	for _, v := range c.frag.format(&fragAlphabet) {
		kv("fragbits", "=", v)
	}
	for _, e := range c.eqs {
		v := "src"
		if e.dst {
			v = "dst"
		}
		kv(fieldInfos[e.f].name, "=", v)
	}
	if c.src.on() {
		kv("src", "=", c.src.format())
	}
	if c.dst.on() {
		kv("dst", "=", c.dst.format())
	}
	if c.ipopts.on {
		op, v := ipOptNames.format(&c.ipopts)
		kv("ipopts", op, v)
	}
	if c.tcpopts.on {
		op, v := tcpOptNames.format(&c.tcpopts)
		kv("tcpopts", op, v)
	}
	if c.sameIP {
		b.WriteString(" sameip")
	}
	if c.bidir {
		b.WriteString(" bidir")
	}
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"#\\") {
		return quote(s)
	}
	return s
}
