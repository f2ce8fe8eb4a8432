package daemon

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ifw/ifw/signatures"
)

// stateSensors is the key of a log server's sensors in the store's state
// table: one value holding every sensor's host and engine state
// (encodeSensors), so that the sensors forgotten leave nothing behind.
const stateSensors = "sensors"

// engineState is one engine's saved picture.
type engineState struct {
	host string
	blob []byte
	err  error
}

// snapshot marshals every engine (on the engine goroutine) and collects
// their attackers' windows within d: the daemon's own engine's state
// first, then the sensors'.
func snapshot(list []hostEngine, within func(*signatures.Engine) []signatures.Window) (own engineState, sensors []engineState, windows []signatures.Window) {
	for _, he := range list {
		blob, err := he.engine.MarshalState()
		st := engineState{host: he.host, blob: blob, err: err}
		if he.sensor {
			sensors = append(sensors, st)
		} else {
			own = st
		}
		windows = append(windows, within(he.engine)...)
	}
	return own, sensors, windows
}

// saveSensors writes every sensor's engine state in one value; a sensor
// whose state did not marshal is left out (its alerts are recovered
// instead, recover.go).
func (d *Daemon) saveSensors(ctx context.Context, states []engineState) {
	if d.pipe.sensors == nil {
		return
	}
	kept := states[:0:0]
	for _, st := range states {
		if st.err != nil {
			d.log.Error("sensor's engine state not saved", "host", st.host, "err", st.err)
			continue
		}
		kept = append(kept, st)
	}
	if err := d.store.PutState(ctx, stateSensors, encodeSensors(kept)); err != nil {
		d.log.Error("sensors' engine states not saved", "err", err)
	}
}

// restoreSensors starts a log server's sensors from the states the last
// run saved; one that does not load is logged and left out.
func (d *Daemon) restoreSensors(ctx context.Context) {
	s := d.pipe.sensors
	if s == nil {
		return
	}
	blob, ok, err := d.store.State(ctx, stateSensors)
	if err != nil {
		d.log.Warn("sensors' engine states not read; sensors start empty", "err", err)
	}
	if !ok || err != nil {
		return
	}
	states, err := decodeSensors(blob)
	if err != nil {
		d.log.Warn("sensors' engine states not restored past a damaged one", "err", err)
	}
	for _, st := range states {
		if err := s.restore(st.host, st.blob); err != nil {
			d.log.Warn("sensor's engine state not restored; it starts empty", "host", st.host, "err", err)
		}
	}
	if n := len(s.byHost); n > 0 {
		d.log.Info("sensors restored", "sensors", n)
	}
}

// sensorsVersion is the first byte of encodeSensors' value.
const sensorsVersion = 1

// encodeSensors is the sensors' states as one value: a version byte, then
// for each sensor its host and its engine state, each a uvarint length
// and its bytes.
func encodeSensors(states []engineState) []byte {
	out := []byte{sensorsVersion}
	for _, st := range states {
		out = binary.AppendUvarint(out, uint64(len(st.host)))
		out = append(out, st.host...)
		out = binary.AppendUvarint(out, uint64(len(st.blob)))
		out = append(out, st.blob...)
	}
	return out
}

// errSensorsState: the saved sensors' value is damaged.
var errSensorsState = errors.New("damaged sensors state")

// decodeSensors reads encodeSensors' value: the states before a damaged
// part, and an error naming the byte offset of that part. The states
// share b.
func decodeSensors(b []byte) ([]engineState, error) {
	if len(b) == 0 || b[0] != sensorsVersion {
		return nil, fmt.Errorf("%w: not version %d", errSensorsState, sensorsVersion)
	}
	var out []engineState
	for off := 1; off < len(b); {
		host, next, ok := field(b, off, maxHostLen)
		if !ok {
			return out, fmt.Errorf("%w: host at byte %d", errSensorsState, off)
		}
		blob, end, ok := field(b, next, len(b))
		if !ok {
			return out, fmt.Errorf("%w: engine state of %q at byte %d", errSensorsState, host, next)
		}
		out = append(out, engineState{host: string(host), blob: blob})
		off = end
	}
	return out, nil
}

// field reads a uvarint length of at most max and that many bytes at off:
// the bytes and the offset after them.
func field(b []byte, off, max int) ([]byte, int, bool) {
	n, k := binary.Uvarint(b[off:])
	if k <= 0 || n > uint64(max) || n > uint64(len(b)-off-k) {
		return nil, 0, false
	}
	start := off + k
	return b[start : start+int(n)], start + int(n), true
}
