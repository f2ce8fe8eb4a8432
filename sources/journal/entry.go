package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// entry is the part of one journal entry, as journalctl -o json writes it,
// that a packet needs.
type entry struct {
	Message   value           `json:"MESSAGE"`
	Transport json.RawMessage `json:"_TRANSPORT"`
	Hostname  value           `json:"_HOSTNAME"`
	Realtime  string          `json:"__REALTIME_TIMESTAMP"`
	Cursor    string          `json:"__CURSOR"`
}

// kernelTransport is _TRANSPORT as journald writes it for the records it
// reads from /dev/kmsg: a single plain string, nothing else.
var kernelTransport = []byte(`"kernel"`)

// fromKernel reports whether journald received the entry from the kernel.
func (e *entry) fromKernel() bool { return bytes.Equal(e.Transport, kernelTransport) }

// time is __REALTIME_TIMESTAMP, microseconds since the epoch in a string.
func (e *entry) time() (time.Time, error) {
	us, err := strconv.ParseInt(e.Realtime, 10, 64)
	if err != nil || us <= 0 {
		return time.Time{}, fmt.Errorf("bad __REALTIME_TIMESTAMP %q", e.Realtime)
	}
	return time.UnixMicro(us), nil
}

// value is a journal field's data. journalctl writes it as a string, as an
// array of byte values when it is not printable UTF-8, as null when it is
// too large, or as an array of those when an entry repeats the field (the
// first one is kept).
type value []byte

// UnmarshalJSON decodes any of a field's forms.
func (v *value) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("empty journal field")
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = value(s)
		return nil
	case 'n':
		*v = nil
		return nil
	case '[':
		return v.array(b)
	}
	return fmt.Errorf("journal field is neither text nor bytes: %.20s", b)
}

// array decodes an array of byte values, or keeps the first of a repeated
// field's values.
func (v *value) array(b []byte) error {
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		return err
	}
	if len(elems) > 0 && len(elems[0]) > 0 && bytes.IndexByte([]byte(`"[n`), elems[0][0]) >= 0 {
		return v.UnmarshalJSON(elems[0])
	}
	var raw []byte
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("journal field bytes: %w", err)
	}
	*v = raw
	return nil
}
