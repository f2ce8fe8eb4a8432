package verdictlog

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// timeLayout is the time of a line: RFC 3339 with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Entry is one verdict's line.
type Entry struct {
	At       time.Time
	Verdict  string // allow, deny, reject
	Would    string // what the rules or mode said, when not Verdict (monitor mode, a fail verdict)
	By       string // rule, answer, timeout, mode, monitor, recent, self, overflow, packet, shutdown
	Rule     uint64 // the rule that matched (By rule)
	Question uint64 // the question answered (By answer, timeout)
	UID      uint32
	User     string // UID's login name; "" for none
	PID      int
	Exe      string // "" for a process not found
	Dst      netip.Addr
	Port     uint16
	Proto    string
	// Name is the host name the program asked for, when known (the
	// names learnt from DNS answers); "" otherwise.
	Name string
}

// FromDecision is the entry of an outbound verdict.
func FromDecision(d verdict.Decision) Entry {
	e := Entry{At: d.At, Verdict: d.Action.String(), By: string(d.By), Rule: d.Rule, Question: d.Question,
		UID: d.UID, PID: d.PID, Exe: d.Exe, Dst: d.Tuple.Dst.Addr().Unmap(), Port: d.Tuple.Dst.Port(),
		Proto: rules.ProtoName(d.Tuple.Proto)}
	if d.Would != 0 && d.Would != d.Action {
		e.Would = d.Would.String()
	}
	return e
}

// AppendLine appends e's line, with its newline, to b:
//
//	2026-12-05T18:40:00.123Z allow by=rule rule=12 user=alice uid=1000 pid=4242 exe=/usr/bin/curl dst=203.0.113.5 port=443 proto=tcp name=-
//
// A value that is empty is "-"; one with blanks, quotes, '=' or
// control characters is quoted (Go syntax, blanks as \x20), so that a
// line is always one line and its fields split at blanks.
func (e Entry) AppendLine(b []byte) []byte {
	b = e.At.AppendFormat(b, timeLayout)
	b = append(b, ' ')
	b = append(b, value(e.Verdict)...)
	if e.Would != "" {
		b = field(b, "would", e.Would)
	}
	b = field(b, "by", e.By)
	if e.Rule != 0 {
		b = field(b, "rule", strconv.FormatUint(e.Rule, 10))
	}
	if e.Question != 0 {
		b = field(b, "question", strconv.FormatUint(e.Question, 10))
	}
	b = field(b, "user", e.User)
	b = field(b, "uid", strconv.FormatUint(uint64(e.UID), 10))
	if e.PID != 0 {
		b = field(b, "pid", strconv.Itoa(e.PID))
	}
	b = field(b, "exe", e.Exe)
	dst := ""
	if e.Dst.IsValid() {
		dst = e.Dst.String()
	}
	b = field(b, "dst", dst)
	b = field(b, "port", strconv.Itoa(int(e.Port)))
	b = field(b, "proto", e.Proto)
	b = field(b, "name", e.Name)
	return append(b, '\n')
}

func field(b []byte, key, v string) []byte {
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	return append(b, value(v)...)
}

// value is v as a line shows it.
func value(v string) string {
	if v == "" {
		return "-"
	}
	if strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '"' || r == '=' || r == '\\'
	}) {
		return strings.ReplaceAll(strconv.Quote(v), " ", `\x20`)
	}
	return v
}
