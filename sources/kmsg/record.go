package kmsg

import "bytes"

// messageLine returns a record's first line, "prio,seq,usec,flags;text":
// the dictionary lines that may follow (" SUBSYSTEM=…") are dropped.
func messageLine(rec []byte) []byte {
	if i := bytes.IndexByte(rec, '\n'); i >= 0 {
		return rec[:i]
	}
	return rec
}

// recordSeq returns the sequence number in a record's header, the second
// of its comma-separated fields, which the header's ';' must follow.
func recordSeq(line []byte) (uint64, bool) {
	prio := bytes.IndexByte(line, ',')
	if prio <= 0 || !digits(line[:prio]) {
		return 0, false
	}
	rest := line[prio+1:]
	end := bytes.IndexByte(rest, ',')
	if end <= 0 || end > 20 || !digits(rest[:end]) || bytes.IndexByte(rest[end:], ';') < 0 {
		return 0, false
	}
	var seq uint64
	for _, c := range rest[:end] {
		d := uint64(c - '0')
		if seq > (1<<64-1-d)/10 {
			return 0, false
		}
		seq = seq*10 + d
	}
	return seq, true
}

// digits reports whether b is all ASCII digits.
func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
