package report

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestBuildOutbound: only the questions closed in the period count,
// whenever they were asked; with the module in use and nothing asked the
// summary is zeros; without it there is none.
func TestBuildOutbound(t *testing.T) {
	s := fixtureStore(t)
	zero := &OutboundSummary{Programs: []NamedCount{}, Destinations: []NamedCount{}}
	cases := []struct {
		name     string
		from, to time.Time
		outbound bool
		want     *OutboundSummary
	}{
		{"day", at(0, 0), at(24, 0), true, &OutboundSummary{Questions: 7, Allowed: 3, Denied: 4, TimedOut: 1, Rules: 2,
			Programs: []NamedCount{{"/usr/bin/curl", 3}, {"/usr/bin/apt", 1}, {"/usr/bin/nc", 1},
				{"/usr/lib/firefox/firefox", 1}, {"unknown process", 1}},
			Destinations: []NamedCount{{"203.0.113.5:443/tcp", 2}, {"198.51.100.53:53/udp", 1},
				{"203.0.113.7:80/tcp", 1}, {"203.0.113.80:80/tcp", 1}, {"203.0.113.9:4444/tcp", 1},
				{"[2001:db8::80]:443/tcp", 1}}}},
		{"morning", at(0, 0), at(12, 0), true, &OutboundSummary{Questions: 4, Allowed: 2, Denied: 2, TimedOut: 1, Rules: 1,
			Programs: []NamedCount{{"/usr/bin/curl", 2}, {"/usr/bin/apt", 1}, {"/usr/lib/firefox/firefox", 1}},
			Destinations: []NamedCount{{"203.0.113.5:443/tcp", 2}, {"203.0.113.80:80/tcp", 1},
				{"[2001:db8::80]:443/tcp", 1}}}},
		{"the instant after the day", at(24, 0), at(25, 0), true, &OutboundSummary{Questions: 1, Allowed: 1, Rules: 1,
			Programs: []NamedCount{{"/usr/bin/ssh", 1}}, Destinations: []NamedCount{{"203.0.113.22:22/tcp", 1}}}},
		{"nothing asked", at(100, 0), at(101, 0), true, zero},
		{"not in use", at(0, 0), at(24, 0), false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Build(t.Context(), s, Options{From: c.from, To: c.to, Outbound: c.outbound})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Outbound, c.want) {
				t.Errorf("outbound\n%+v\nwant\n%+v", r.Outbound, c.want)
			}
		})
	}
}

// TestOutboundTop bounds the programs and destinations.
func TestOutboundTop(t *testing.T) {
	r, err := Build(t.Context(), fixtureStore(t), Options{From: day, To: at(24, 0), Outbound: true, Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := r.Outbound
	if !reflect.DeepEqual(o.Programs, []NamedCount{{"/usr/bin/curl", 3}}) ||
		!reflect.DeepEqual(o.Destinations, []NamedCount{{"203.0.113.5:443/tcp", 2}}) || o.Questions != 7 {
		t.Errorf("top 1: %+v", o)
	}
}

// TestOutboundTables: not in use, nothing asked, and questions each read
// their own way.
func TestOutboundTables(t *testing.T) {
	cases := []struct {
		name   string
		o      *OutboundSummary
		ids    []string
		empty  string
		asked  string
		sample string
	}{
		{"not in use", nil, []string{"outbound"}, "The outbound module (NFQUEUE verdicts) is not in use.", "", ""},
		{"nothing asked", &OutboundSummary{}, []string{"outbound"}, "No outbound connection was asked about in the period.", "", ""},
		{"asked", &OutboundSummary{Questions: 2, Allowed: 1, Denied: 1, Programs: []NamedCount{{"", 2}},
			Destinations: []NamedCount{{"203.0.113.5:443/tcp", 2}}},
			[]string{"outbound", "outbound-programs", "outbound-destinations"}, "", "2", "203.0.113.5:443/tcp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := outboundTables(c.o)
			var ids []string
			for _, tb := range ts {
				ids = append(ids, tb.ID)
			}
			if !reflect.DeepEqual(ids, c.ids) {
				t.Fatalf("tables %v, want %v", ids, c.ids)
			}
			if c.empty != "" && (len(ts[0].Rows) != 0 || ts[0].Empty != c.empty) {
				t.Errorf("rows %v, empty %q", ts[0].Rows, ts[0].Empty)
			}
			if c.asked != "" && (ts[0].Rows[0][1] != c.asked || ts[1].Rows[0][0] != "-" || ts[2].Rows[0][0] != c.sample) {
				t.Errorf("tables %+v", ts)
			}
		})
	}
}

// TestOutboundRuleHits: the daemon's rules, most hit first (ties by id),
// at most Top, those never hit left out; a table of their own, also when
// nothing was asked in the period; none when the rules are not known.
func TestOutboundRuleHits(t *testing.T) {
	rs := []RuleHit{{1, "allow exe=/usr/bin/ssh port=22", 3}, {2, "deny exe=any", 0},
		{3, "allow exe=/usr/bin/curl port=443", 40}, {4, "reject exe=unknown", 3}}
	r, err := Build(t.Context(), fixtureStore(t), Options{From: at(100, 0), To: at(101, 0), Outbound: true, Top: 2, Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	want := []RuleHit{{3, "allow exe=/usr/bin/curl port=443", 40}, {1, "allow exe=/usr/bin/ssh port=22", 3}}
	if !reflect.DeepEqual(r.Outbound.RuleHits, want) {
		t.Fatalf("rule hits %+v, want %+v", r.Outbound.RuleHits, want)
	}
	ts := outboundTables(r.Outbound)
	if len(ts) != 2 || ts[1].ID != "outbound-rules" || !reflect.DeepEqual(ts[1].Rows[0], []string{"3", want[0].Line, "40"}) {
		t.Errorf("tables %+v", ts)
	}
	if r, err := Build(t.Context(), fixtureStore(t), Options{From: day, To: at(24, 0), Outbound: true}); err != nil || r.Outbound.RuleHits != nil {
		t.Errorf("rules not known: %+v, %v", r.Outbound, err)
	}
}

// failingQuestions is a store whose questions cannot be read.
type failingQuestions struct{ *alerts.Store }

var errQuestions = errors.New("questions unreadable")

func (failingQuestions) Questions(context.Context, time.Time, time.Time) ([]alerts.Question, error) {
	return nil, errQuestions
}

// TestBuildOutboundError: a failure to read the questions is Build's,
// wrapped; without the module Build does not read them.
func TestBuildOutboundError(t *testing.T) {
	src := failingQuestions{openStore(t)}
	if r, err := Build(t.Context(), src, Options{From: day, To: at(24, 0), Outbound: true}); !errors.Is(err, errQuestions) || r != nil {
		t.Errorf("Build: %v, want %v", err, errQuestions)
	}
	if _, err := Build(t.Context(), src, Options{From: day, To: at(24, 0)}); err != nil {
		t.Errorf("Build without the outbound module: %v", err)
	}
}
