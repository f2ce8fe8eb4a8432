package daemon

import (
	"context"
	"strings"

	"github.com/ifw/ifw/signatures"
)

// Keys of a log server's sensors in the store's state table: the list of
// sensors saved, one host a line, and each sensor's engine state.
const (
	stateSensors      = "sensors"
	stateSensorPrefix = "sensor:"
)

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

// saveSensors writes each sensor's engine state, then the list of those
// written: a sensor whose state did not save is not restored (its alerts
// are recovered instead, recover.go).
func (d *Daemon) saveSensors(ctx context.Context, states []engineState) {
	if d.pipe.sensors == nil {
		return
	}
	var hosts []string
	for _, st := range states {
		err := st.err
		if err == nil {
			err = d.store.PutState(ctx, stateSensorPrefix+st.host, st.blob)
		}
		if err != nil {
			d.log.Error("sensor's engine state not saved", "host", st.host, "err", err)
			continue
		}
		hosts = append(hosts, st.host)
	}
	if err := d.store.PutState(ctx, stateSensors, []byte(strings.Join(hosts, "\n"))); err != nil {
		d.log.Error("list of sensors not saved", "err", err)
	}
}

// restoreSensors starts a log server's sensors from the states the last
// run saved; one that does not load is logged and left out.
func (d *Daemon) restoreSensors(ctx context.Context) {
	s := d.pipe.sensors
	if s == nil {
		return
	}
	list, ok, err := d.store.State(ctx, stateSensors)
	if err != nil {
		d.log.Warn("list of sensors not read; sensors start empty", "err", err)
	}
	if !ok || err != nil {
		return
	}
	for host := range strings.SplitSeq(string(list), "\n") {
		if host == "" {
			continue
		}
		blob, ok, err := d.store.State(ctx, stateSensorPrefix+host)
		if err == nil && !ok {
			continue
		}
		if err == nil {
			err = s.restore(host, blob)
		}
		if err != nil {
			d.log.Warn("sensor's engine state not restored; it starts empty", "host", host, "err", err)
		}
	}
	if n := len(s.byHost); n > 0 {
		d.log.Info("sensors restored", "sensors", n)
	}
}
