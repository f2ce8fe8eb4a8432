package procs

import (
	"bytes"
	"fmt"
	"strconv"
)

// statStartField is the position of starttime among the fields of
// /proc/PID/stat that follow the command name: fields 3 (state) to 22.
const statStartField = 22 - 3

// parseStat reads the command name and the start time (field 22, clock
// ticks since boot) of a /proc/PID/stat line. The name is what is between
// the first '(' and the last ')': it may itself hold spaces and
// parentheses. comm points into b.
func parseStat(b []byte) (comm []byte, start uint64, err error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return nil, 0, fmt.Errorf("%w: stat without a (command name)", errMalformed)
	}
	comm = b[open+1 : end]
	rest := b[end+1:]
	for i := 0; i < statStartField; i++ {
		rest = bytes.TrimLeft(rest, " ")
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return nil, 0, fmt.Errorf("%w: stat has fewer than 22 fields", errMalformed)
		}
		rest = rest[sp:]
	}
	rest = bytes.TrimLeft(rest, " ")
	if sp := bytes.IndexAny(rest, " \n"); sp >= 0 {
		rest = rest[:sp]
	}
	start, ok := parseUint(rest)
	if !ok {
		return nil, 0, fmt.Errorf("%w: stat start time %q", errMalformed, rest)
	}
	return comm, start, nil
}

// parseStatusUID reads the real user ID from /proc/PID/status: the first
// number of the "Uid:" line.
func parseStatusUID(b []byte) (uint32, error) {
	for len(b) > 0 {
		line := b
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
		} else {
			b = nil
		}
		val, ok := bytes.CutPrefix(line, []byte("Uid:"))
		if !ok {
			continue
		}
		fields := bytes.Fields(val)
		if len(fields) == 0 {
			break
		}
		uid, ok := parseUint(fields[0])
		if !ok || uid > 1<<32-1 {
			return 0, fmt.Errorf("%w: status Uid %q", errMalformed, fields[0])
		}
		return uint32(uid), nil
	}
	return 0, fmt.Errorf("%w: status without a Uid line", errMalformed)
}

// parseSocketLink reads the inode of a descriptor link "socket:[INODE]";
// ok is false for any other link.
func parseSocketLink(b []byte) (inode uint64, ok bool) {
	b, ok = bytes.CutPrefix(b, []byte("socket:["))
	if !ok {
		return 0, false
	}
	b, ok = bytes.CutSuffix(b, []byte("]"))
	if !ok {
		return 0, false
	}
	return parseUint(b)
}

// appendSocketLink appends the link text of a socket descriptor.
func appendSocketLink(b []byte, inode uint64) []byte {
	b = append(b, "socket:["...)
	b = strconv.AppendUint(b, inode, 10)
	return append(b, ']')
}

// parseUint reads a decimal number of 1 to 19 digits (no sign, no
// overflow of uint64).
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// parsePID reads a directory name of /proc or /proc/PID/fd as a number
// (PID or descriptor); ok is false for ".", "..", "self" and the rest.
func parsePID(b []byte) (int, bool) {
	n, ok := parseUint(b)
	if !ok || n > 1<<31-1 || (len(b) > 1 && b[0] == '0') {
		return 0, false
	}
	return int(n), true
}
