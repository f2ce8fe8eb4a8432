package block

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

func TestDuration(t *testing.T) {
	const h = time.Hour
	var levels [signatures.MaxLevel + 1]time.Duration
	levels[3], levels[5] = 2*h, Forever
	tests := []struct {
		name     string
		cfg      Config
		r        Request
		previous int
		want     time.Duration // 0: permanent
	}{
		{"default level duration", Config{}, Request{Level: 5}, 0, h},
		{"manual without level", Config{}, Request{}, 0, h},
		{"per level", Config{DurationByLevel: levels}, Request{Level: 3}, 0, 2 * h},
		{"level above 5 counts as 5", Config{DurationByLevel: levels}, Request{Level: 9}, 0, 0},
		{"permanent level", Config{DurationByLevel: levels}, Request{Level: 5}, 0, 0},
		{"permanent level capped", Config{DurationByLevel: levels, MaxDuration: 24 * h}, Request{Level: 5}, 0, 24 * h},
		{"repeat once", Config{}, Request{Level: 5}, 1, 2 * h},
		{"repeat thrice", Config{}, Request{Level: 5}, 3, 8 * h},
		{"repeat factor 3", Config{RepeatFactor: 3}, Request{Level: 5}, 2, 9 * h},
		{"factor 1: no growth", Config{RepeatFactor: 1}, Request{Level: 5}, 10, h},
		{"capped", Config{MaxDuration: 6 * h}, Request{Level: 5}, 3, 6 * h},
		{"below the cap", Config{MaxDuration: 6 * h}, Request{Level: 5}, 2, 4 * h},
		{"no cap: grows to permanent", Config{}, Request{Level: 5}, 40, 0},
		{"no cap: huge factor", Config{RepeatFactor: MaxRepeatFactor}, Request{Level: 5}, 1000, 0},
		{"explicit", Config{MaxDuration: time.Minute}, Request{Level: 5, For: 3 * h}, 5, 3 * h},
		{"explicit forever", Config{MaxDuration: time.Minute}, Request{For: Forever}, 0, 0},
	}
	for _, tt := range tests {
		if got := tt.cfg.withDefaults().duration(tt.r, tt.previous); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKernelTTL(t *testing.T) {
	tests := []struct {
		expires time.Time
		want    time.Duration
	}{
		{time.Time{}, 0},
		{t0.Add(time.Hour), time.Hour},
		{t0.Add(300 * time.Millisecond), time.Second},
		{t0.Add(MaxTimeout), MaxTimeout},
		{t0.Add(MaxTimeout + time.Second), 0},
	}
	for _, tt := range tests {
		if got := kernelTTL(tt.expires, t0); got != tt.want {
			t.Errorf("expires %v: %v, want %v", tt.expires, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		in   netip.Prefix
		want string // "": ErrPrefix
	}{
		{pfx("198.51.100.7/32"), "198.51.100.7/32"},
		{pfx("198.51.100.7/24"), "198.51.100.0/24"},
		{pfx("::ffff:198.51.100.7/128"), "198.51.100.7/32"},
		{pfx("::ffff:198.51.100.7/120"), "198.51.100.0/24"},
		{pfx("::ffff:0.0.0.0/80"), ""},
		{pfx("2001:db8::1/64"), "2001:db8::/64"},
		{pfx("0.0.0.0/0"), ""},
		{pfx("::/0"), ""},
		{netip.Prefix{}, ""},
	}
	for _, tt := range tests {
		got, err := Canonical(tt.in)
		if tt.want == "" && err == nil || tt.want != "" && (err != nil || got.String() != tt.want) {
			t.Errorf("%v: %v %v, want %q", tt.in, got, err, tt.want)
		}
	}
}
