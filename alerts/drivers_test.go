package alerts

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/test/pgtest"
)

// dbKind makes stores of one database kind for the tests that run on both.
type dbKind struct {
	name string
	// config is the Config of a new, empty database.
	config func(t testing.TB) Config
}

func (d dbKind) open(t testing.TB) *Store { return openAt(t, d.config(t)) }

// sqliteDriver: a new file per store.
var sqliteDriver = dbKind{"sqlite", func(t testing.TB) Config { return Config{Path: tempPath(t)} }}

// pgDriver: a new database of srv per store.
func pgDriver(srv *pgtest.Server) dbKind {
	return dbKind{"postgres", func(t testing.TB) Config { return Config{URL: srv.NewDatabase(t)} }}
}

// storeTests run on every driver: on SQLite as their own Test functions,
// on PostgreSQL under TestPostgres (one server for them all, a new
// database each).
var storeTests = []struct {
	name string
	run  func(*testing.T, dbKind)
}{
	{"StoreRoundTrip", testStoreRoundTrip},
	{"AddRefuses", testAddRefuses},
	{"AlertsQuery", testAlertsQuery},
	{"AlertsPagesTies", testAlertsPagesTies},
	{"Counts", testCounts},
	{"State", testState},
	{"ReadWhileWriting", testReadWhileWriting},
	{"BlockLifecycle", testBlockLifecycle},
	{"BlockQueries", testBlockQueries},
	{"AddBlockRefuses", testAddBlockRefuses},
	{"AddBlockNormalises", testAddBlockNormalises},
	{"QuestionRoundTrip", testQuestionRoundTrip},
	{"QuestionsPeriod", testQuestionsPeriod},
	{"AddQuestionRefuses", testAddQuestionRefuses},
	{"AddQuestionNow", testAddQuestionNow},
	{"PutWindows", testPutWindows},
	{"ClosedStore", testClosedStore},
	{"RetryIdempotent", testRetryIdempotent},
	{"HostsApart", testHostsApart},
	{"ConcurrentMigration", testConcurrentMigration},
}

// TestPostgres runs the store's tests on PostgreSQL, then the outage.
func TestPostgres(t *testing.T) {
	srv := pgtest.Start(t)
	d := pgDriver(srv)
	for _, st := range storeTests {
		t.Run(st.name, func(t *testing.T) { st.run(t, d) })
	}
	t.Run("ReadOnly", func(t *testing.T) { testPostgresReadOnly(t, d) })
	t.Run("Outage", func(t *testing.T) { testOutage(t, srv) })
}

func TestRetryIdempotent(t *testing.T) { testRetryIdempotent(t, sqliteDriver) }

// testRetryIdempotent: an alert written again with its uid (a write whose
// answer was lost, sent again by the outage spool) is stored once, its id
// returned again, and the outcomes the first write lacked are added, none
// twice.
func testRetryIdempotent(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	a := sample(t, "198.51.100.7", t0)
	a.Outcomes = []Outcome{{Action: "notify", Time: t0.Add(time.Second), OK: true}}
	id, err := s.AddAlert(ctx, &a)
	if err != nil || a.UID == "" {
		t.Fatalf("AddAlert: %v, uid %q", err, a.UID)
	}
	plain := sample(t, "198.51.100.8", t0)
	if _, err := s.AddAlert(ctx, &plain); err != nil {
		t.Fatal(err)
	}
	again := a
	again.ID = 0 // as a failed write leaves it
	again.Outcomes = append(a.Outcomes, Outcome{Action: "block", Time: t0.Add(2 * time.Second), Error: "set full"})
	if id2, err := s.AddAlert(ctx, &again); err != nil || id2 != id || again.ID != id {
		t.Fatalf("retry: id %d (first %d), %v", id2, id, err)
	}
	retryPlain := plain
	retryPlain.ID = 0
	if id2, err := s.AddAlert(ctx, &retryPlain); err != nil || id2 != plain.ID {
		t.Fatalf("retry without outcomes: id %d (first %d), %v", id2, plain.ID, err)
	}
	got, err := s.Alerts(ctx, Query{})
	if err != nil || len(got) != 2 {
		t.Fatalf("%d alerts stored, %v", len(got), err)
	}
	stored, _, _ := s.Latest(ctx, a.Src)
	if !reflect.DeepEqual(stored.Outcomes, again.Outcomes) || stored.UID != a.UID {
		t.Errorf("outcomes after the retry %+v, want %+v; uid %q", stored.Outcomes, again.Outcomes, stored.UID)
	}
	copied := stored // a copy of a stored alert is a new alert
	copied.Outcomes = nil
	if id3, err := s.AddAlert(ctx, &copied); err != nil || id3 == id || copied.UID == a.UID {
		t.Errorf("copy of a stored alert: id %d, uid %q, %v", id3, copied.UID, err)
	}
}

func TestHostsApart(t *testing.T) { testHostsApart(t, sqliteDriver) }

// testHostsApart: two hosts sharing one database keep their own blocks
// (one active block of the same prefix each), questions and windows; a
// query names a host or AllHosts; a store without host reads them all.
func testHostsApart(t *testing.T, db dbKind) {
	ctx := context.Background()
	cfg := db.config(t)
	open := func(host string) *Store {
		c := cfg
		c.Host = host
		return openAt(t, c)
	}
	a, b := open("alpha"), open("beta")
	p := pfx("198.51.100.7/32")
	idA, err := a.AddBlock(ctx, Block{Prefix: p, Reason: "scan", Level: 4, Source: BlockAuto, Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	idB, err := b.AddBlock(ctx, Block{Prefix: p, Reason: "manual", Source: BlockManual, Created: t0.Add(time.Second)})
	if err != nil || idB == idA {
		t.Fatalf("second host's block: %d (first %d), %v", idB, idA, err)
	}
	for s, want := range map[*Store]Block{a: {ID: idA, Host: "alpha", Reason: "scan"}, b: {ID: idB, Host: "beta", Reason: "manual"}} {
		got, err := s.ActiveBlocks(ctx)
		if err != nil || len(got) != 1 || got[0].ID != want.ID || got[0].Host != want.Host || got[0].Reason != want.Reason {
			t.Errorf("%s's active blocks: %+v, %v", want.Host, got, err)
		}
	}
	if err := b.RemoveBlock(ctx, p, RemovedDeleted, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, err := a.ActiveBlocks(ctx); err != nil || len(got) != 1 || got[0].ID != idA {
		t.Errorf("alpha's block after beta's ended: %+v, %v", got, err)
	}
	if n, err := b.BlockCount(ctx, p, time.Time{}); err != nil || n != 1 {
		t.Errorf("beta's ended blocks: %d, %v", n, err)
	}
	if n, err := a.BlockCount(ctx, p, time.Time{}); err != nil || n != 0 {
		t.Errorf("alpha's ended blocks: %d, %v", n, err)
	}
	if err := b.RemoveBlock(ctx, p, RemovedDeleted, time.Time{}); !errors.Is(err, ErrNotBlocked) {
		t.Errorf("beta removes again: %v", err)
	}
	all := open("")
	for _, tt := range []struct {
		s    *Store
		q    BlockQuery
		want int
	}{
		{a, BlockQuery{IncludeRemoved: true}, 1},
		{a, BlockQuery{IncludeRemoved: true, Host: "beta"}, 1},
		{a, BlockQuery{IncludeRemoved: true, Host: AllHosts}, 2},
		{all, BlockQuery{IncludeRemoved: true}, 2},
		{all, BlockQuery{}, 1},
	} {
		if got, err := tt.s.Blocks(ctx, tt.q); err != nil || len(got) != tt.want {
			t.Errorf("Blocks %+v: %d, %v; want %d", tt.q, len(got), err, tt.want)
		}
	}

	q := Question{Asked: t0, Closed: t0.Add(time.Second), Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("203.0.113.5"),
		Port: 443, Proto: "tcp", Connections: 1, Verdict: VerdictAllow, By: ClosedByTimeout}
	for _, s := range []*Store{a, b, b} {
		if _, err := s.AddQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for s, want := range map[*Store]int{a: 1, b: 2, all: 3} {
		if got, err := s.Questions(ctx, time.Time{}, time.Time{}); err != nil || len(got) != want {
			t.Errorf("questions of %q: %d, %v; want %d", s.cfg.Host, len(got), err, want)
		}
	}
	if got, _ := b.Questions(ctx, time.Time{}, time.Time{}); len(got) > 0 && got[0].Host != "beta" {
		t.Errorf("question's host %q", got[0].Host)
	}

	w := signatures.Window{Src: netip.MustParseAddr("198.51.100.7"), FirstSeen: t0, LastSeen: t0.Add(time.Minute), Packets: 10, Level: 2}
	wb := w
	wb.Packets = 99
	if err := a.PutWindows(ctx, []signatures.Window{w}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutWindows(ctx, []signatures.Window{wb}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Windows(ctx, t0, t0.Add(time.Hour)); err != nil || len(got) != 1 || got[0] != w {
		t.Errorf("alpha's windows: %+v, %v", got, err)
	}
	if got, err := all.Windows(ctx, t0, t0.Add(time.Hour)); err != nil || len(got) != 2 {
		t.Errorf("every host's windows: %+v, %v", got, err)
	}

	for i, s := range []*Store{a, b} {
		al := sample(t, "198.51.100.9", t0)
		al.Host = s.cfg.Host
		al.Time = t0.Add(time.Duration(i) * time.Second)
		if _, err := s.AddAlert(ctx, &al); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		s    *Store
		host string
		want int
	}{{a, "", 2}, {a, "alpha", 1}, {all, "beta", 1}, {all, AllHosts, 2}, {all, "gamma", 0}} {
		if got, err := tt.s.Alerts(ctx, Query{Host: tt.host}); err != nil || len(got) != tt.want {
			t.Errorf("alerts of %q: %d, %v; want %d", tt.host, len(got), err, tt.want)
		}
	}
}

// testConcurrentMigration: three stores opening one new database at once
// (daemons starting together) all succeed, and the schema is migrated
// once.
func testConcurrentMigration(t *testing.T, db dbKind) {
	cfg := db.config(t)
	errs := make(chan error, 3)
	stores := make(chan *Store, 3)
	for i := range 3 {
		go func() {
			c := cfg
			c.Host = string(rune('a' + i))
			s, err := Open(context.Background(), c, nil)
			if err == nil {
				stores <- s
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(stores)
	var one *Store
	for s := range stores {
		one = s
		t.Cleanup(func() { s.Close() })
	}
	var rows, version int
	err := one.r.QueryRowContext(context.Background(), `SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&rows, &version)
	if err != nil || rows != SchemaVersion() || version != SchemaVersion() {
		t.Errorf("schema_version: %d rows, version %d, %v", rows, version, err)
	}
}

// testPostgresReadOnly: a read-only store reads what a writer stored and
// refuses to write.
func testPostgresReadOnly(t *testing.T, db dbKind) {
	ctx := context.Background()
	cfg := db.config(t)
	w := openAt(t, cfg)
	addN(t, w, 3)
	cfg.ReadOnly = true
	ro := openAt(t, cfg)
	if got, err := ro.Alerts(ctx, Query{}); err != nil || len(got) != 3 {
		t.Errorf("read-only: %d alerts, %v", len(got), err)
	}
	a := sample(t, "198.51.100.7", t0)
	_, err := ro.AddAlert(ctx, &a)
	isFault(t, "AddAlert read-only", err, ErrReadOnly)
}

// testOutage: with the server stopped, writes and reads fail with
// ErrUnavailable (nothing else); once it is back the same store writes
// again without being reopened. A store opened while the server is down
// opens, and migrates on its first call after the server is back.
func testOutage(t *testing.T, srv *pgtest.Server) {
	ctx := context.Background()
	url, fresh := srv.NewDatabase(t), srv.NewDatabase(t)
	s := openAt(t, Config{URL: url, Host: "alpha"})
	a := sample(t, "198.51.100.7", t0)
	if _, err := s.AddAlert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	srv.Stop(t)
	late := openAt(t, Config{URL: fresh, Host: "alpha"})
	b := sample(t, "198.51.100.8", t0)
	_, err := s.AddAlert(ctx, &b)
	isFault(t, "AddAlert, server down", err, ErrUnavailable)
	_, err = s.Alerts(ctx, Query{})
	isFault(t, "Alerts, server down", err, ErrUnavailable)
	_, err = s.AddBlock(ctx, Block{Prefix: pfx("198.51.100.8/32"), Source: BlockManual})
	isFault(t, "AddBlock, server down", err, ErrUnavailable)
	_, err = late.AddAlert(ctx, &b)
	isFault(t, "AddAlert, opened while down", err, ErrUnavailable)
	srv.Start(t)
	// the retry (b kept its uid), with an outcome: in a transaction
	b.Outcomes = []Outcome{{Action: "notify", Time: t0, OK: true}}
	if _, err := s.AddAlert(ctx, &b); err != nil {
		t.Fatalf("AddAlert after the server is back: %v", err)
	}
	if got, err := s.Alerts(ctx, Query{}); err != nil || len(got) != 2 || len(got[0].Outcomes)+len(got[1].Outcomes) != 1 {
		t.Errorf("after the outage: %d alerts, %v", len(got), err)
	}
	// The server restarts under connections used a moment ago: the next
	// write and read go through all the same.
	srv.Stop(t)
	srv.Start(t)
	c := sample(t, "198.51.100.9", t0)
	c.Outcomes = []Outcome{{Action: "notify", Time: t0, OK: true}}
	if _, err := s.AddAlert(ctx, &c); err != nil {
		t.Fatalf("AddAlert after a restart: %v", err)
	}
	if got, err := s.Alerts(ctx, Query{}); err != nil || len(got) != 3 {
		t.Errorf("after a restart: %d alerts, %v", len(got), err)
	}
	if _, err := late.AddAlert(ctx, &b); err != nil {
		t.Fatalf("store opened while down, after the server is back: %v", err)
	}
	if got, err := late.Alerts(ctx, Query{}); err != nil || len(got) != 1 {
		t.Errorf("store opened while down: %d alerts, %v", len(got), err)
	}
}
