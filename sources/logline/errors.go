package logline

import (
	"errors"
	"fmt"
)

// ErrNotFirewall is returned for a line that is not a firewall LOG line.
// Callers count and skip such lines; it is not a fault.
var ErrNotFirewall = errors.New("not a firewall log line")

// ErrNotIP is returned for a firewall line that logs no IP packet: the
// kernel's ARP lines (nf_log_arp, bridge and netdev families) and the lines
// of a link-layer protocol it only names (MACPROTO=, MAC= and nothing
// more). It matches ErrNotFirewall with errors.Is, so callers that only
// count IP packets skip it; those that tell the two apart test it first.
var ErrNotIP = fmt.Errorf("%w: no IP packet (ARP or another link-layer protocol)", ErrNotFirewall)

// ErrMalformed matches every *Error with errors.Is.
var ErrMalformed = errors.New("malformed firewall log line")

// Reason says why a firewall line was rejected.
type Reason uint8

// Reasons.
const (
	ReasonTooLong   Reason = iota + 1 // longer than MaxLineLen
	ReasonNUL                         // holds a NUL byte
	ReasonEncoding                    // prefix, host or interface is not UTF-8
	ReasonSyntax                      // a token is not of its field's form
	ReasonRange                       // a number is out of its field's range
	ReasonAddress                     // an address does not parse
	ReasonDuplicate                   // a field appears twice
	ReasonMissing                     // a required field is absent
	ReasonUnknown                     // a field the kernel never writes
	ReasonFamily                      // IPv4 and IPv6 fields mixed
	ReasonTime                        // the time stamp does not parse
)

var reasonText = [...]string{
	ReasonTooLong:   "line too long",
	ReasonNUL:       "NUL byte",
	ReasonEncoding:  "invalid UTF-8",
	ReasonSyntax:    "bad syntax",
	ReasonRange:     "number out of range",
	ReasonAddress:   "bad address",
	ReasonDuplicate: "repeated field",
	ReasonMissing:   "missing field",
	ReasonUnknown:   "unknown field",
	ReasonFamily:    "mixed address families",
	ReasonTime:      "bad time stamp",
}

func (r Reason) String() string {
	if int(r) < len(reasonText) && reasonText[r] != "" {
		return reasonText[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Error is a malformed firewall line: which field, why, and (a bounded copy
// of) the offending text.
type Error struct {
	Reason Reason
	Field  string
	Value  string
}

func (e *Error) Error() string {
	switch {
	case e.Field == "":
		return "logline: " + e.Reason.String()
	case e.Value == "":
		return fmt.Sprintf("logline: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("logline: %s: %s %q", e.Field, e.Reason, e.Value)
}

// Is makes errors.Is(err, ErrMalformed) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrMalformed }

const maxErrValue = 64

func fail(r Reason, field string, value []byte) error {
	if len(value) > maxErrValue {
		value = value[:maxErrValue]
	}
	return &Error{Reason: r, Field: field, Value: string(value)}
}
