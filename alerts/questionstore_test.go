package alerts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"
)

// question is an answered question about 203.0.113.5:443/tcp, asked at
// asked and closed ten seconds later.
func question(exe string, asked time.Time) Question {
	return Question{Asked: asked, Closed: asked.Add(10 * time.Second), UID: 1000, User: "alice", Exe: exe,
		Dst: netip.MustParseAddr("203.0.113.5"), Port: 443, Proto: "tcp", Connections: 2,
		Verdict: VerdictAllow, By: ClosedByAnswer, Lifetime: LifetimePermanent}
}

// TestQuestionRoundTrip: every kind of closing comes back as stored.
func TestQuestionRoundTrip(t *testing.T) { testQuestionRoundTrip(t, sqliteDriver) }

func testQuestionRoundTrip(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	v6 := question("", t0.Add(time.Minute))
	v6.Dst, v6.Port, v6.Proto, v6.UID, v6.User = netip.MustParseAddr("2001:db8::53"), 53, "udp", 4294967295, ""
	v6.Verdict, v6.By, v6.Lifetime = VerdictReject, ClosedByTimeout, ""
	want := []Question{
		question("/usr/bin/curl", t0),
		v6,
		{Asked: t0.Add(2 * time.Minute), Closed: t0.Add(3 * time.Minute), Exe: "/usr/lib/firefox/firefox",
			Dst: netip.MustParseAddr("198.51.100.9"), Port: 0, Proto: "icmp", Verdict: VerdictDeny, By: ClosedByShutdown},
	}
	for _, by := range []string{ClosedByRule, ClosedByOverflow} {
		q := question("/usr/bin/ssh", t0.Add(3*time.Minute))
		q.By, q.Lifetime, q.Verdict = by, "", VerdictDeny
		want = append(want, q)
	}
	for _, life := range []string{LifetimeOnce, LifetimeSession, LifetimeTimed} {
		q := question("/usr/bin/git", t0.Add(4*time.Minute))
		q.Lifetime = life
		want = append(want, q)
	}
	for i := range want {
		id, err := s.AddQuestion(ctx, want[i])
		if err != nil || id <= 0 {
			t.Fatalf("AddQuestion %+v: %d %v", want[i], id, err)
		}
		want[i].ID = id
	}
	got, err := s.Questions(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("questions:\n%+v\nwant\n%+v", got, want)
	}
}

// TestQuestionsPeriod: the questions closed in [from, to), oldest first,
// whenever they were asked.
func TestQuestionsPeriod(t *testing.T) { testQuestionsPeriod(t, sqliteDriver) }

func testQuestionsPeriod(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	closed := []time.Duration{0, time.Hour, 2 * time.Hour, time.Hour, 3 * time.Hour} // out of order
	for i, c := range closed {
		q := question("/usr/bin/app", t0.Add(-48*time.Hour))
		q.Closed, q.Port = t0.Add(c), uint16(i)
		if _, err := s.AddQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []uint16 // ports, in order
	}{
		{"all", time.Time{}, time.Time{}, []uint16{0, 1, 3, 2, 4}},
		{"from", t0.Add(time.Hour), time.Time{}, []uint16{1, 3, 2, 4}},
		{"to is open", time.Time{}, t0.Add(2 * time.Hour), []uint16{0, 1, 3}},
		{"one hour", t0.Add(time.Hour), t0.Add(2 * time.Hour), []uint16{1, 3}},
		{"an instant", t0, t0.Add(time.Nanosecond), []uint16{0}},
		{"before", t0.Add(-time.Hour), t0, []uint16{}},
		{"by ask time, nothing", t0.Add(-49 * time.Hour), t0.Add(-47 * time.Hour), []uint16{}},
	}
	for _, tt := range tests {
		got, err := s.Questions(ctx, tt.from, tt.to)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		ports := []uint16{}
		for _, q := range got {
			ports = append(ports, q.Port)
		}
		if !slices.Equal(ports, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ports, tt.want)
		}
	}
}

func TestAddQuestionRefuses(t *testing.T) { testAddQuestionRefuses(t, sqliteDriver) }

func testAddQuestionRefuses(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	tests := []struct {
		name   string
		change func(*Question)
	}{
		{"no destination", func(q *Question) { q.Dst = netip.Addr{} }},
		{"not asked", func(q *Question) { q.Asked = time.Time{} }},
		{"no protocol", func(q *Question) { q.Proto = "" }},
		{"negative connections", func(q *Question) { q.Connections = -1 }},
		{"verdict", func(q *Question) { q.Verdict = "accept" }},
		{"no verdict", func(q *Question) { q.Verdict = "" }},
		{"cause", func(q *Question) { q.By = "monitor" }},
		{"answer without lifetime", func(q *Question) { q.Lifetime = "" }},
		{"lifetime", func(q *Question) { q.Lifetime = "forever" }},
		{"timeout with a lifetime", func(q *Question) { q.By = ClosedByTimeout }},
	}
	for _, tt := range tests {
		q := question("/usr/bin/curl", t0)
		tt.change(&q)
		if _, err := s.AddQuestion(ctx, q); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tt.name, err)
		}
	}
	if got, err := s.Questions(ctx, time.Time{}, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("stored after refusals: %+v %v", got, err)
	}
}

// TestAddQuestionNow: a zero closing time is now.
func TestAddQuestionNow(t *testing.T) { testAddQuestionNow(t, sqliteDriver) }

func testAddQuestionNow(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	before := time.Now()
	q := question("/usr/bin/curl", t0)
	q.Closed = time.Time{}
	if _, err := s.AddQuestion(ctx, q); err != nil {
		t.Fatal(err)
	}
	got, err := s.Questions(ctx, before.Add(-time.Second), time.Time{})
	if err != nil || len(got) != 1 || got[0].Closed.Before(before.Truncate(time.Microsecond)) {
		t.Errorf("%+v %v", got, err)
	}
}

func TestQuestionJSON(t *testing.T) {
	q := question("", t0)
	q.ID, q.User, q.By, q.Lifetime = 7, "", ClosedByTimeout, ""
	raw, _ := json.Marshal(q)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"asked", "by", "closed", "connections", "dst", "exe", "id", "port", "proto", "uid", "verdict"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v (user and lifetime absent when empty)", keys, want)
	}
	var back Question
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back, q) {
		t.Errorf("round trip %s: %+v %v", raw, back, err)
	}
}

func TestAddedRule(t *testing.T) {
	for _, tt := range []struct {
		by, lifetime string
		want         bool
	}{
		{ClosedByAnswer, LifetimeOnce, false}, {ClosedByAnswer, LifetimeSession, true},
		{ClosedByAnswer, LifetimeTimed, true}, {ClosedByAnswer, LifetimePermanent, true},
		{ClosedByTimeout, "", false}, {ClosedByRule, "", false}, {ClosedByAnswer, "", false},
	} {
		if got := (Question{By: tt.by, Lifetime: tt.lifetime}).AddedRule(); got != tt.want {
			t.Errorf("%s %q: %v, want %v", tt.by, tt.lifetime, got, tt.want)
		}
	}
}

// TestMigrateToQuestions: a schema-2 database file (blocks, no questions)
// keeps its alerts and blocks and gains the questions table.
func TestMigrateToQuestions(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{createVersionTable, migrations[0], migrations[1],
		`INSERT INTO schema_version(version, applied) VALUES(1, 0), (2, 0)`,
		`INSERT INTO alerts(time, host, src, level, prev_level, reasons, packets, first_seen, last_seen,
			destination_count, destinations, scans, signatures, os, tool, trusted, collector)
			VALUES(1, 'gw', '198.51.100.7', 5, 4, 'level', 10, 1, 1, 1, '[]', '[]', '[]', '', '', 1, 'kmsg')`,
		`INSERT INTO blocks(prefix, family, reason, level, source, created)
			VALUES('198.51.100.7/32', 4, 'syn scan', 5, 'auto', 1)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := openAt(t, Config{Path: path})
	if as, err := s.Alerts(ctx, Query{}); err != nil || len(as) != 1 {
		t.Fatalf("alerts after migration: %d %v", len(as), err)
	}
	if bs, err := s.ActiveBlocks(ctx); err != nil || len(bs) != 1 || bs[0].Reason != "syn scan" {
		t.Fatalf("blocks after migration: %+v %v", bs, err)
	}
	if _, err := s.AddQuestion(ctx, question("/usr/bin/curl", t0)); err != nil {
		t.Fatal(err)
	}
	if qs, err := s.Questions(ctx, time.Time{}, time.Time{}); err != nil || len(qs) != 1 {
		t.Fatalf("questions: %+v %v", qs, err)
	}
	s.Close()
	ro := openAt(t, Config{Path: path, ReadOnly: true})
	var version int
	if err := ro.r.QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Errorf("schema version %d %v, want %d", version, err, SchemaVersion())
	}
}

func TestQuestionsClosedAndReadOnly(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	s := openAt(t, Config{Path: path})
	if _, err := s.AddQuestion(ctx, question("/usr/bin/curl", t0)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	q := question("/usr/bin/curl", t0)
	_, err := s.AddQuestion(ctx, q)
	isFault(t, "AddQuestion on a closed store", err, ErrClosed)
	_, err = s.Questions(ctx, time.Time{}, time.Time{})
	isFault(t, "Questions on a closed store", err, ErrClosed)
	ro := openAt(t, Config{Path: path, ReadOnly: true})
	_, err = ro.AddQuestion(ctx, q)
	isFault(t, "AddQuestion read-only", err, ErrReadOnly)
	if got, err := ro.Questions(ctx, time.Time{}, time.Time{}); err != nil || len(got) != 1 {
		t.Errorf("Questions read-only: %v %v", got, err)
	}
}
