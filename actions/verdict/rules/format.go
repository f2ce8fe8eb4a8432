package rules

import (
	"bufio"
	"io"
	"strings"
	"time"
)

// String is the rule's line in the rules file (without its ID), which
// ParseLine reads back to an equal Rule. Keys come in a fixed order and
// only when set, except exe (exe=any for any executable); values are
// quoted only when needed.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Action.String())
	exe := r.Exe
	if exe == "" {
		exe = "any"
	}
	kv(&b, "exe", exe)
	if r.SHA256 != "" {
		kv(&b, "sha256", r.SHA256)
	}
	if r.Dst.IsValid() {
		kv(&b, "dst", dstString(r))
	}
	if r.Host != "" {
		kv(&b, "host", r.Host)
	}
	if !r.Ports.Any() {
		kv(&b, "port", r.Ports.String())
	}
	if r.Proto != ProtoAny {
		kv(&b, "proto", ProtoName(r.Proto))
	}
	if r.User != "" {
		kv(&b, "user", r.User)
	}
	r.writeLifetime(&b)
	if r.Note != "" {
		kv(&b, "note", r.Note)
	}
	if !r.Created.IsZero() {
		kv(&b, "created", timeString(r.Created))
	}
	return b.String()
}

func (r Rule) writeLifetime(b *strings.Builder) {
	switch {
	case r.Lifetime == Timed:
		kv(b, "until", timeString(r.Until))
	case r.Lifetime == Session && r.Idle != 0:
		kv(b, "idle", r.Idle.String())
	case r.Lifetime != Permanent:
		kv(b, "lifetime", r.Lifetime.String())
	}
}

// dstString is the destination as written: a bare address for a single
// host.
func dstString(r Rule) string {
	if r.Dst.IsSingleIP() {
		return r.Dst.Addr().String()
	}
	return r.Dst.String()
}

func timeString(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func kv(b *strings.Builder, k, v string) {
	b.WriteByte(' ')
	b.WriteString(k)
	b.WriteByte('=')
	b.WriteString(quoteValue(v))
}

// header opens every file Format writes.
const header = `# ifw outbound rules: which program may open which new outbound connection.
# Written by ifw; you may edit it (reload the daemon to apply). One rule a line:
#
#   ACTION key=value ...          ACTION is allow, deny or reject
#
#   exe=PATH|any|unknown  the executable's absolute path; any (default); unknown:
#                         only connections whose process could not be found
#   sha256=HEX            the executable's SHA-256 must be this
#   dst=ADDR|CIDR         destination address or network
#   host=NAME             destination is one of the addresses NAME resolves to
#   port=N|LO-HI          destination port or range
#   proto=NAME|N          tcp, udp, icmp, icmpv6, udplite, sctp or a number
#   user=NAME|UID         the connecting user
#   until=RFC3339         the rule expires then (a timed rule)
#   note=TEXT             free text; created=RFC3339: when the rule was made
#
# The most specific matching rule decides: executable named, then sha256, then
# the longest destination (host = one address), then the narrowest port range,
# then proto, then user; deny and reject before allow; then the older rule.
# Values with blanks, quotes or # are double-quoted (Go escapes); # starts a
# comment. Rules for the session only (ifw queue allow --session) are not here.
`

// Format writes a rules file: a header comment explaining the format, then
// one line per Permanent or Timed rule of rs, in the order given. Rules of
// other lifetimes are skipped (they are never saved).
func Format(w io.Writer, rs []Rule) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header)
	if len(rs) > 0 {
		bw.WriteString("\n")
	}
	for _, r := range rs {
		if r.Lifetime.saved() {
			bw.WriteString(r.String() + "\n")
		}
	}
	return bw.Flush()
}
