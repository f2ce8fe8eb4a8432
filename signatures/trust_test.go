package signatures

import (
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// TestTrust: an attacker is trusted while every packet counted for it came
// over a trusted transport.
func TestTrust(t *testing.T) {
	trusted := func(pkts []*sources.Packet) []*sources.Packet {
		for _, p := range pkts {
			p.Trusted = true
		}
		return pkts
	}
	later := func(pkts []*sources.Packet) []*sources.Packet {
		for _, p := range pkts {
			p.Time = p.Time.Add(3 * time.Hour)
		}
		return pkts
	}
	ignoredPort := func(c *Config) { c.IgnorePorts = []PortRange{{Lo: 9999, Hi: 9999}} }
	retain := func(c *Config) { c.Retain = 10 }
	tests := []struct {
		name string
		cfg  func(*Config)
		pkts []*sources.Packet
		want bool
	}{
		{"all trusted", nil, trusted(synScan(attacker, victim, 1, 20)), true},
		{"all from a syslog file", nil, synScan(attacker, victim, 1, 20), false},
		{"one untrusted packet", nil, cat(trusted(synScan(attacker, victim, 1, 10)), synScan(attacker, victim, 11, 1), trusted(synScan(attacker, victim, 12, 10))), false},
		{"untrusted packet ignored", ignoredPort, cat(trusted(synScan(attacker, victim, 1, 10)), synScan(attacker, victim, 9999, 1)), true},
		{"untrusted state expired", nil, cat(synScan(attacker, victim, 1, 10), later(trusted(synScan(attacker, victim, 1, 10)))), true},
		{"retained untrusted window", retain, cat(synScan(attacker, victim, 1, 10), later(trusted(synScan(attacker, victim, 1, 10)))), false},
		{"retained trusted windows", retain, cat(trusted(synScan(attacker, victim, 1, 10)), later(trusted(synScan(attacker, victim, 1, 10)))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mods []func(*Config)
			if tt.cfg != nil {
				mods = append(mods, tt.cfg)
			}
			e := newEngine(t, mods...)
			feed(e, tt.pkts)
			a, ok := find(e, attacker)
			if !ok || a.Trusted != tt.want {
				t.Errorf("attacker %v trusted %v, want %v", a.Src, a.Trusted, tt.want)
			}
		})
	}
}
