package daemon

import (
	"cmp"
	"errors"
	"log/slog"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// A log server (psad's --log-server, [daemon] log_server = yes) reads the
// forwarded firewall logs of many hosts: the syslog host field of each
// line names the sensor that logged it, and each sensor has an engine of
// its own, so that one attacker seen by two hosts, below the thresholds
// on each, stays below them, and each alert names the host that saw it.
//
// The host field comes from the network: anyone who can send to the
// central syslog daemon can name any host. A forged name only creates
// detections under that name; the number of sensors is bounded
// ([daemon] log_server_sensors); a name that is not a syslog host token
// and a new name past the bound are counted, logged, and judged by the
// central host's own engine, so that nothing escapes detection.

// Why a saved sensor state is not restored.
var (
	errBadSensor      = errors.New("not a sensor's host name")
	errTooManySensors = errors.New("more sensors than log_server_sensors")
)

// sensor is one reporting host with its own engine.
type sensor struct {
	host     string
	engine   *signatures.Engine
	lastSeen time.Time // the host clock when its latest packet was judged
}

// sensorCounts are the packets a log server could not key by their host.
type sensorCounts struct {
	Refused uint64 // a new host past the bound
	Invalid uint64 // a host field that is not a host name
	Expired uint64 // idle sensors forgotten to make room
}

// sensors are the log server's engines by host, owned by the engine
// goroutine; the central host's own engine is the pipeline's.
type sensors struct {
	local  string // the daemon's own host, lower case: its lines are local
	max    int
	byHost map[string]*sensor
	cfg    signatures.Config // for new engines, as the last reload left it
	sigs   *rules.Set
	counts sensorCounts
	swept  time.Time // when idle sensors were last looked for
	log    *slog.Logger
}

func newSensors(local string, max int, cfg signatures.Config, sigs *rules.Set, log *slog.Logger) *sensors {
	return &sensors{local: strings.ToLower(local), max: max, byHost: map[string]*sensor{}, cfg: cfg, sigs: sigs, log: log}
}

// maxHostLen bounds a sensor's name (a DNS name's length).
const maxHostLen = 253

// sensorName is the sensor a host field names (lower case), or false when
// it is not a syslog host token: letters, digits, '-', '.', '_' and ':'
// (an address, as rsyslog writes a host it cannot name).
func sensorName(host string) (string, bool) {
	if host == "" || len(host) > maxHostLen {
		return "", false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == ':') {
			return "", false
		}
	}
	return strings.ToLower(host), true
}

// of is the sensor that judges pkt at now, or nil for the central host's
// own engine: packets without a host field, kernel-trusted ones (they
// come from this host's kernel), the central host's own lines, and those
// that cannot be keyed (counted).
func (s *sensors) of(pkt *sources.Packet, now time.Time) *sensor {
	if s == nil || pkt.Trusted || pkt.Host == "" {
		return nil
	}
	name, ok := sensorName(pkt.Host)
	if !ok {
		s.counts.Invalid++
		s.note(s.counts.Invalid, "log server: a host field that is not a host name; judged as this host's", "count", s.counts.Invalid)
		return nil
	}
	if name == s.local {
		return nil
	}
	sn := s.byHost[name]
	if sn == nil {
		if sn = s.add(name, now); sn == nil {
			return nil
		}
	}
	sn.lastSeen = now
	return sn
}

// add starts a sensor for host, making room by forgetting idle ones when
// the bound is reached; nil when there is none.
func (s *sensors) add(host string, now time.Time) *sensor {
	if len(s.byHost) >= s.max {
		s.sweep(now)
	}
	if len(s.byHost) >= s.max {
		s.counts.Refused++
		s.note(s.counts.Refused, "log server: more hosts than log_server_sensors; a new host's packets judged as this host's",
			"host", host, "log_server_sensors", s.max, "count", s.counts.Refused)
		return nil
	}
	e, err := signatures.New(s.cfg, s.sigs)
	if err != nil { // the configuration was checked: only a bug gets here
		s.log.Error("log server: no engine for a sensor", "host", host, "err", err)
		return nil
	}
	sn := &sensor{host: host, engine: e, lastSeen: now}
	s.byHost[host] = sn
	s.log.Info("log server: new sensor", "host", host, "sensors", len(s.byHost))
	return sn
}

// sweepEvery bounds how often a full table is searched for idle sensors,
// so that a flood of new names costs one search a second.
const sweepEvery = time.Second

// sweep forgets the sensors idle for longer than a scan window: every
// attacker window of theirs is over (their alerts stay stored; with
// [detect] retain, the ended attackers they kept for the status go).
func (s *sensors) sweep(now time.Time) {
	if now.Sub(s.swept) < sweepEvery {
		return
	}
	s.swept = now
	for host, sn := range s.byHost {
		if now.Sub(sn.lastSeen) > sn.engine.Config().ScanTimeout {
			delete(s.byHost, host)
			s.counts.Expired++
		}
	}
}

// note logs a count at 1, 2, 4, 8…: every problem is told, a flood of
// it without flooding the log.
func (s *sensors) note(n uint64, msg string, args ...any) {
	if bits.OnesCount64(n) == 1 {
		s.log.Warn(msg, args...)
	}
}

// list is the sensors by host name.
func (s *sensors) list() []*sensor {
	if s == nil {
		return nil
	}
	out := make([]*sensor, 0, len(s.byHost))
	for _, sn := range s.byHost {
		out = append(out, sn)
	}
	slices.SortFunc(out, func(a, b *sensor) int { return cmp.Compare(a.host, b.host) })
	return out
}

// reconfigure applies a reloaded [detect] to every sensor, and to those
// made from now on.
func (s *sensors) reconfigure(cfg signatures.Config, sigs *rules.Set) error {
	if s == nil {
		return nil
	}
	for _, sn := range s.list() {
		if err := sn.engine.Reconfigure(cfg, sigs); err != nil {
			return err
		}
	}
	s.cfg, s.sigs = cfg, sigs
	return nil
}

// restore adds the sensor host with its saved engine state, within the
// bound; false when it cannot be had (the state is then ignored).
func (s *sensors) restore(host string, blob []byte) error {
	name, ok := sensorName(host)
	switch {
	case !ok || name == s.local:
		return errBadSensor
	case len(s.byHost) >= s.max:
		return errTooManySensors
	}
	e, err := signatures.New(s.cfg, s.sigs)
	if err != nil {
		return err
	}
	if err := e.RestoreState(blob); err != nil {
		return err
	}
	s.byHost[name] = &sensor{host: name, engine: e, lastSeen: time.Now()}
	return nil
}

// hostOf is the host whose engine judged an alert stored under host: a
// log server's sensor, else the daemon's own.
func (p *pipeline) hostOf(host string) string {
	if p.sensors == nil {
		return p.host
	}
	if name, ok := sensorName(host); ok && name != p.sensors.local {
		return name
	}
	return p.host
}
