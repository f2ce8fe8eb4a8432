package report

import (
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Event is one alert an analysis of a log raised (a signatures.Detection):
// when, about whom, at what level.
type Event struct {
	Time  time.Time
	Src   netip.Addr
	Level int
}

// EventOf is the event of a detection.
func EventOf(d *signatures.Detection) Event {
	return Event{Time: d.Time, Src: d.Attacker.Src, Level: d.Attacker.Level}
}

// FromAnalysis reports on what `ifw analyze` found in a log, without a
// daemon or a store: the alerts are the events (the detections the
// engine made reading the log, in any order), each at the time of its
// packet, as the daemon would have stored them; each attacker's picture
// (packets, scans, signatures, first and last packet) is its final one,
// all its scan windows merged (the record ifw analyze prints). The period
// is opts.From to opts.To when both are set, else the attackers' first to
// last packet. There are no blocks (Report.Blocks is nil), no outbound
// questions (Report.Outbound is nil, opts.Outbound is ignored) and no
// previous period (opts.Compare is ignored); opts.Collectors may describe
// the log files read. An invalid opts.Top is an error.
func FromAnalysis(attackers []signatures.Attacker, events []Event, opts Options) (*Report, error) {
	if err := opts.validate(false); err != nil {
		return nil, err
	}
	as := make([]alerts.Alert, 0, len(attackers))
	for i := range attackers {
		as = append(as, analysisAlert(&attackers[i], int64(i+1)))
	}
	timeline := make([]alerts.Alert, len(events))
	for i, e := range events {
		timeline[i] = alerts.Alert{ID: int64(i + 1), Time: e.Time, Src: e.Src, Level: e.Level}
	}
	if opts.From.IsZero() || opts.To.IsZero() {
		opts.From, opts.To = seen(attackers)
	}
	opts = opts.withDefaults()
	f := facts{origin: OriginLog, period: Period{From: opts.From, To: opts.To}, alerts: as, events: timeline}
	return assemble(f, opts), nil
}

// analysisAlert is the alert an attacker stands for.
func analysisAlert(a *signatures.Attacker, id int64) alerts.Alert {
	return alerts.Alert{
		ID: id, Time: a.LastSeen, Src: a.Src, Level: a.Level, Packets: a.Packets,
		FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, DestinationCount: a.DestinationCount,
		Destinations: a.Destinations, Scans: a.Scans, Signatures: a.Signatures, Ports: a.Ports,
		OS: a.OS, Tool: a.Tool, Trusted: a.Trusted,
	}
}

// seen is the first and last packet of the attackers (zero without any).
func seen(attackers []signatures.Attacker) (first, last time.Time) {
	for _, a := range attackers {
		if !a.FirstSeen.IsZero() && (first.IsZero() || a.FirstSeen.Before(first)) {
			first = a.FirstSeen
		}
		if a.LastSeen.After(last) {
			last = a.LastSeen
		}
	}
	return first, last
}
