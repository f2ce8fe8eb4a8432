package analyze

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/signatures"
)

// uptimeLimit tells the engine's times apart: a packet that carries only
// kernel uptime (dmesg, /dev/kmsg without the boot time) is counted at
// uptime after the Unix epoch, so its sources are seen "in 1970". No
// firewall log holds a wall-clock time before 1990, and no kernel runs for
// twenty years.
var uptimeLimit = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// when shows an engine time: a wall-clock date, or the kernel uptime it
// stands for when the input had uptime-only packets.
func (a *Analysis) when(t time.Time) string {
	if a.isUptime(t) {
		return "uptime " + uptime(t.Sub(time.Unix(0, 0)))
	}
	return t.Format(time.DateTime)
}

func (a *Analysis) isUptime(t time.Time) bool {
	return a.counts.untimed > 0 && t.Before(uptimeLimit)
}

// uptime shows a kernel uptime to the millisecond: "13m46.251s".
func uptime(d time.Duration) string {
	return d.Round(time.Millisecond).String()
}

// uptimeAttacker is the JSON of an attacker seen at kernel uptime only:
// first_seen and last_seen are null, first_uptime and last_uptime give
// the seconds since boot.
type uptimeAttacker struct {
	*signatures.Attacker
	FirstSeen   *time.Time `json:"first_seen"`
	LastSeen    *time.Time `json:"last_seen"`
	FirstUptime float64    `json:"first_uptime"`
	LastUptime  float64    `json:"last_uptime"`
}

// jsonAttacker is what --json writes for one attacker.
func (a *Analysis) jsonAttacker(at *signatures.Attacker) any {
	if !a.isUptime(at.FirstSeen) {
		return at
	}
	epoch := time.Unix(0, 0)
	return uptimeAttacker{Attacker: at,
		FirstUptime: at.FirstSeen.Sub(epoch).Seconds(), LastUptime: at.LastSeen.Sub(epoch).Seconds()}
}

// parseBoot reads --boot: "host" is this host's boot time (its uptime back
// from now, as dmesg -T counts), anything else a time as --since takes it.
func parseBoot(s string, now time.Time) (time.Time, error) {
	if s != "host" {
		return ParseWhen(s, now)
	}
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Time{}, fmt.Errorf("host: %w", err)
	}
	up, _, _ := strings.Cut(string(b), " ")
	sec, err := strconv.ParseFloat(up, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("host: /proc/uptime: %w", err)
	}
	return now.Add(-time.Duration(sec * float64(time.Second))), nil
}
