package report

import (
	"strings"
	"testing"
)

// TestCollectorsSection: the section gives either counters, with what
// they count, or why there are none; never a note about counters above
// "no collector health".
func TestCollectorsSection(t *testing.T) {
	logs := []CollectorHealth{{Name: "/var/log/syslog", Type: "file", Lines: 534, Packets: 530, Malformed: 1}}
	cases := []struct {
		name       string
		origin     string
		collectors []CollectorHealth
		want, not  []string
	}{
		{"log files", OriginLog, logs,
			[]string{"Counters over the log files read.", "/var/log/syslog  file    534      530          1"},
			[]string{"No collector", "Dropped", "daemon"}},
		{"store, daemon status", OriginStore, fixtureOptions().Collectors,
			[]string{"The daemon's counters since it started", "reopen: no such file"},
			[]string{"No collector", "log files"}},
		{"store, no daemon status", OriginStore, nil,
			[]string{"No collector health: the daemon's status was not available."},
			[]string{"Counters"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &Report{Origin: c.origin, Collectors: c.collectors}
			var b strings.Builder
			writeTextTable(&b, collectorsTable(r))
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("no %q in\n%s", w, b.String())
				}
			}
			for _, n := range c.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("%q in\n%s", n, b.String())
				}
			}
		})
	}
}
