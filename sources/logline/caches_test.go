package logline

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, on a machine without /usr/share/zoneinfo

	"github.com/ifw/ifw/sources"
)

// The Parser keeps the last line's stamp, hour, host tag and MAC= to skip
// their parse when the next line repeats them. These tests hold every cache
// to what a fresh Parser reads from the same line.

// parseFresh parses line with a new Parser made like p.
func parseFresh(p *Parser, line []byte) (sources.Packet, error) {
	var pkt sources.Packet
	err := New(p.opt).Parse(line, &pkt)
	return pkt, err
}

// sameAsFresh parses each line in turn with one Parser and requires what a
// new Parser gives for that line alone.
func sameAsFresh(t *testing.T, p *Parser, lines ...string) {
	t.Helper()
	for _, l := range lines {
		var got sources.Packet
		errGot := p.Parse([]byte(l), &got)
		want, errWant := parseFresh(p, []byte(l))
		if fmt.Sprint(errGot) != fmt.Sprint(errWant) {
			t.Fatalf("%q: err %v, a new parser %v", l, errGot, errWant)
		}
		if errGot == nil && got != want {
			t.Fatalf("%q: after the lines before it\n%+v\na new parser\n%+v", l, got, want)
		}
	}
}

// TestCachesChangedLeadNotStale: lines of the same length whose date, hour,
// second, host, tag or MAC differ from the line before are read afresh.
func TestCachesChangedLeadNotStale(t *testing.T) {
	const mac = "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 "
	body := "IN=eth0 OUT= " + mac + body4[len("IN=eth0 OUT= "+mac):]
	lines := []string{
		"Nov 20 10:00:01 fw kernel: [UFW BLOCK] " + body,
		"Nov 20 10:00:01 fx kernel: [UFW BLOCK] " + body, // host
		"Nov 21 10:00:01 fx kernel: [UFW BLOCK] " + body, // day
		"Dec 21 10:00:01 fx kernel: [UFW BLOCK] " + body, // month
		"Dec 21 11:00:01 fx kernel: [UFW BLOCK] " + body, // hour
		"Dec 21 11:00:02 fx kernel: [UFW BLOCK] " + body, // second, same hour
		"Dec 21 11:01:02 fx kernel: [UFW BLOCK] " + body, // minute
		"Dec 21 11:01:02 fx kernelX [UFW BLOCK] " + body, // no tag: the host is the prefix's
		"Dec 21 11:01:02 fx kern.x: [UFW BLOCK] " + body,
		"Dec 21 11:01:02 kern.warn kernel: [UFW] " + body, // facility.level, no host
		"Dec 21 11:01:02 fw user.warn kernel: [UFW] " + body,
		"Dec 21 11:01:02 fw fw [UFW BLOCK] " + body, // UniFi's untagged form
		"Dec 21 11:01:02 fw fw DROP " + body,
		"Dec 21 11:01:02 fw kernel: [UFW BLOCK] " + body,
		"Dec 21 11:01:02 fw kernel: [UFW BLOCK] " + body[:len("IN=eth0 OUT= MAC=0")] + "1" + body[len("IN=eth0 OUT= MAC=0")+1:], // MAC
		"Dec 21 11:01:02 fw kernel: [UFW BLOCK] " + body[:len("IN=eth0 OUT= MAC=0")] + "x" + body[len("IN=eth0 OUT= MAC=0")+1:], // bad MAC
		"Dec 21 11:01:02 fw kernel: [UFW BLOCK] " + body,
		"Dec 21 11:01:60 fw kernel: [UFW BLOCK] " + body, // a leap second
		"Dec 31 23:59:60 fw kernel: [UFW BLOCK] " + body,
		"Feb 29 11:01:02 fw kernel: [UFW BLOCK] " + body,
		"Feb 29 11:01:03 fw kernel: [UFW BLOCK] " + body,
		"Feb 30 11:01:03 fw kernel: [UFW BLOCK] " + body,
		"Dec 21 11:61:02 fw kernel: [UFW BLOCK] " + body,
		"Dec 21 11:01:02.5 fw kernel: [UFW BLOCK] " + body,
		"Dec 21 11:01:02.25 fw kernel: [UFW BLOCK] " + body,
	}
	sameAsFresh(t, newTestParser(), lines...)
	for _, name := range []string{"Europe/London", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		sameAsFresh(t, New(Options{Reference: ref, Location: loc}), lines...)
	}
}

// TestHourCacheMatchesDate reads every hour around zone changes, year ends
// and the reference's limit, at several minutes and seconds, with one
// Parser, and requires the time (to the bit: time.Time's fields) that
// bsdValue gives for the stamp alone.
func TestHourCacheMatchesDate(t *testing.T) {
	zones := []string{"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia", "America/Sao_Paulo", "Asia/Kolkata"}
	refs := []time.Time{
		time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
		time.Date(2011, 12, 24, 0, 0, 0, 0, time.UTC), // Apia skips Dec 30, 2011
		time.Date(2027, 1, 2, 3, 0, 0, 0, time.UTC),   // year end, and its limit a week on
		time.Date(2024, 2, 25, 0, 0, 0, 0, time.UTC),  // a leap day within the limit
	}
	days := []time.Time{
		time.Date(0, 3, 6, 0, 0, 0, 0, time.UTC), time.Date(0, 3, 24, 0, 0, 0, 0, time.UTC),
		time.Date(0, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(0, 10, 24, 0, 0, 0, 0, time.UTC),
		time.Date(0, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 12, 24, 0, 0, 0, 0, time.UTC),
		time.Date(0, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 9, 28, 0, 0, 0, 0, time.UTC),
		time.Date(0, 2, 24, 0, 0, 0, 0, time.UTC),
	}
	clocks := []string{"00:00", "00:01", "29:59", "30:00", "59:59", "59:60"}
	checked := 0
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			p := New(Options{Reference: r, Location: loc})
			plain := New(Options{Reference: r, Location: loc})
			for _, d0 := range days {
				for h := 0; h < 24*10; h++ {
					d := d0.Add(time.Duration(h) * time.Hour)
					for _, c := range clocks {
						stamp := fmt.Sprintf("%s %02d:%s ", d.Format("Jan _2"), d.Hour(), c)
						b := []byte(stamp)
						got, n, errGot := p.bsdStamp(b)
						mo, _ := month(b[:3])
						want, errWant := plain.bsdValue(b[:len(b)-1], mo)
						if n == 0 && errGot == nil {
							t.Fatalf("%s: %q not a stamp", zone, stamp)
						}
						if (errGot == nil) != (errWant == nil) || got != want {
							t.Fatalf("%s, ref %v: %q gives %v (%#v) %v, alone %v (%#v) %v", zone, r, stamp, got, got, errGot, want, want, errWant)
						}
						checked++
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// TestHourCacheUsed: a run of stamps of one hour in a steady zone is read
// from the hour cache (the test above would pass with no cache at all).
func TestHourCacheUsed(t *testing.T) {
	p := newTestParser()
	if _, _, err := p.bsdStamp([]byte("Nov 20 10:00:01 fw")); err != nil {
		t.Fatal(err)
	}
	if !p.hour.ok {
		t.Fatal("a steady hour was not kept")
	}
	got, ok := p.hour.lookup([]byte("Nov 20 10:59:58.5"))
	if want := time.Date(2026, 11, 20, 10, 59, 58, 5e8, time.UTC); !ok || got != want {
		t.Errorf("hour cache: %v %v, want %v", got, ok, want)
	}
	for _, s := range []string{"Nov 20 11:00:00", "Nov 21 10:00:00", "Nov 20 10:00:60", "Nov 20 10:60:00", "Nov 20 10:0x:00"} {
		if _, ok := p.hour.lookup([]byte(s)); ok {
			t.Errorf("hour cache served %q", s)
		}
	}
}

// FuzzCaches parses one line after another with one Parser, and the second
// alone with a new one: the caches of the first never change the second's
// result.
func FuzzCaches(f *testing.F) {
	for _, file := range captureFiles(f) {
		lines := readLines(f, file)
		for i := 0; i+1 < len(lines); i += 1 + len(lines)/20 {
			f.Add(lines[i], lines[i+1])
		}
	}
	f.Add([]byte("Nov 20 10:00:01 fw kernel: [X] "+body4), []byte("Nov 20 10:00:01 fx kernel: [X] "+body4))
	f.Add([]byte("Nov 20 10:00:01 fw kernel: [X] "+body4), []byte("Nov 20 10:00:02 fw kernel: [X] "+body4))
	f.Fuzz(func(t *testing.T, first, second []byte) {
		p := New(Options{Reference: ref, Location: time.UTC})
		var a, b sources.Packet
		_ = p.Parse(first, &a)
		a = sources.Packet{}
		errA := p.Parse(second, &a)
		errB := New(p.opt).Parse(second, &b)
		if fmt.Sprint(errA) != fmt.Sprint(errB) || (errA == nil && !samePacket(a, b)) {
			t.Fatalf("%q after %q:\n%+v %v\nalone:\n%+v %v", second, first, a, errA, b, errB)
		}
	})
}

// samePacket is a == b, with their times compared as instants in the same
// zone (name and offset): a stamp's numeric offset is a time.FixedZone
// made for each parse, equal but not the same pointer.
func samePacket(a, b sources.Packet) bool {
	an, ao := a.Time.Zone()
	bn, bo := b.Time.Zone()
	if !a.Time.Equal(b.Time) || an != bn || ao != bo {
		return false
	}
	a.Time = b.Time
	return a == b
}
