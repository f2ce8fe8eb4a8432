package nflog

import (
	"errors"
	"fmt"
)

// DecodeError says why a payload is not an IP packet Decode can read. It is
// a small integer, so returning one does not allocate.
type DecodeError uint8

// Decode errors; compare with errors.Is.
const (
	// ErrTooShort: the payload cannot hold an IPv4 (20 bytes) or IPv6
	// (40 bytes) header.
	ErrTooShort DecodeError = iota + 1
	// ErrVersion: the version nibble is neither 4 nor 6.
	ErrVersion
	// ErrHeaderLength: the IPv4 header length field is below 5 words.
	ErrHeaderLength
)

var decodeErrorText = [...]string{
	ErrTooShort:     "nflog: payload shorter than an IP header",
	ErrVersion:      "nflog: payload is not IPv4 or IPv6",
	ErrHeaderLength: "nflog: IPv4 header length below 20 bytes",
}

func (e DecodeError) Error() string {
	if int(e) < len(decodeErrorText) && decodeErrorText[e] != "" {
		return decodeErrorText[e]
	}
	return fmt.Sprintf("nflog: decode error %d", uint8(e))
}

// ErrGroupBusy matches the error Run returns when the NFLOG group is already
// bound by another socket (another ifw, ulogd, a packet capture): the kernel
// lets one listener own a group per network namespace.
var ErrGroupBusy = errors.New("nflog group already bound by another process")

// GroupError is a failure to bind an NFLOG group. It matches ErrGroupBusy
// with errors.Is when another socket holds the group.
type GroupError struct {
	Group uint16
	Busy  bool
	Err   error
}

func (e *GroupError) Error() string {
	if e.Busy {
		return fmt.Sprintf("nflog group %d: already bound by another process (another ifw, ulogd or a capture?): %v", e.Group, e.Err)
	}
	return fmt.Sprintf("nflog group %d: %v", e.Group, e.Err)
}

func (e *GroupError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrGroupBusy) true for a busy group.
func (e *GroupError) Is(target error) bool { return target == ErrGroupBusy && e.Busy }
