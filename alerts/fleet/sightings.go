package fleet

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// migrationSightings (fleet schema: fleet-wide scans): each host's
// sightings of each source, and the fleet levels raised for a source.
// fleet_scans has one row per source: the highest level raised in its
// window, so that exactly one daemon raises each level.
const migrationSightings = `CREATE TABLE fleet_sightings (
	src        TEXT      NOT NULL,
	host       TEXT      NOT NULL,
	first_seen BIGINT    NOT NULL,
	last_seen  BIGINT    NOT NULL,
	packets    BIGINT    NOT NULL,
	ports      INTEGER[] NOT NULL,
	PRIMARY KEY (src, host)
);
CREATE INDEX fleet_sightings_last_seen ON fleet_sightings(last_seen);
CREATE INDEX fleet_sightings_host ON fleet_sightings(host, last_seen);
CREATE TABLE fleet_scans (
	src    TEXT    PRIMARY KEY,
	level  INTEGER NOT NULL,
	prev   INTEGER NOT NULL,
	raised BIGINT  NOT NULL,
	host   TEXT    NOT NULL
)`

// Bounds of what one answer and one row hold: an attacker's volume never
// grows a row or an answer.
const (
	// MaxPorts bounds the distinct destination ports kept per source and
	// host, and in an answer (the lowest ones).
	MaxPorts = 64
	// MaxHosts bounds the host names in an answer (HostCount is exact).
	MaxHosts = 64
	// MaxBatch bounds the sightings of one Sight call.
	MaxBatch = 1024
)

// Sighting is what this host saw of one source since its previous report:
// a report with no packets (a recheck) only asks the fleet's count again.
type Sighting struct {
	Src       netip.Addr
	FirstSeen time.Time
	LastSeen  time.Time
	Packets   int64
	Ports     []uint16 // distinct destination ports, at most MaxPorts
}

// Spread is the fleet's answer for one source: the hosts that saw it in
// the scan window, this one included.
type Spread struct {
	Src       netip.Addr `json:"src"`
	HostCount int        `json:"host_count"`
	Hosts     []string   `json:"hosts"` // by name, at most MaxHosts
	Packets   int64      `json:"packets"`
	Ports     []uint16   `json:"ports"` // at most MaxPorts, lowest first
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`
	// Level is the fleet level raised for the source in its window (0:
	// none); only Spreads fills it in.
	Level int `json:"level"`
}

// sightSQL upserts a batch in one statement and answers, per source, the
// hosts that saw it in the window. The answer's snapshot is taken before
// the upsert, so this host's row comes from the upsert (up) and the other
// hosts' from the table (others). A reset row (last seen before the
// window) starts over.
const sightSQL = `WITH input AS (
	SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
		AS i(src, first_seen, last_seen, packets, ports)
), up AS (
	INSERT INTO fleet_sightings AS s (src, host, first_seen, last_seen, packets, ports)
	SELECT src, $1, first_seen, last_seen, packets, string_to_array(ports, ',')::integer[] FROM input
	ON CONFLICT (src, host) DO UPDATE SET
		first_seen = CASE WHEN s.last_seen < $7 THEN excluded.first_seen ELSE LEAST(s.first_seen, excluded.first_seen) END,
		last_seen = GREATEST(s.last_seen, excluded.last_seen),
		packets = CASE WHEN s.last_seen < $7 THEN excluded.packets ELSE s.packets + excluded.packets END,
		ports = CASE WHEN s.last_seen < $7 THEN excluded.ports
			ELSE ARRAY(SELECT DISTINCT p FROM unnest(s.ports || excluded.ports) p ORDER BY p LIMIT $8) END
	RETURNING src, first_seen, last_seen, packets, ports
), others AS (
	SELECT o.src, count(*) AS n, (array_agg(o.host ORDER BY o.host))[1:$9] AS hosts,
		sum(o.packets)::bigint AS packets, min(o.first_seen) AS first_seen, max(o.last_seen) AS last_seen
	FROM fleet_sightings o
	WHERE o.src = ANY($2::text[]) AND o.host <> $1 AND o.last_seen >= $7
	GROUP BY o.src
), oports AS (
	SELECT o.src, array_agg(DISTINCT p) AS ports
	FROM fleet_sightings o, unnest(o.ports) p
	WHERE o.src = ANY($2::text[]) AND o.host <> $1 AND o.last_seen >= $7
	GROUP BY o.src
)
SELECT up.src, 1 + COALESCE(others.n, 0), COALESCE(others.hosts, '{}'),
	up.packets + COALESCE(others.packets, 0),
	LEAST(up.first_seen, COALESCE(others.first_seen, up.first_seen)),
	GREATEST(up.last_seen, COALESCE(others.last_seen, up.last_seen)),
	ARRAY(SELECT DISTINCT p FROM unnest(up.ports || COALESCE(oports.ports, '{}')) p ORDER BY p LIMIT $8)
FROM up LEFT JOIN others USING (src) LEFT JOIN oports USING (src)`

// Sight reports this host's sightings (at most MaxBatch, one per source)
// in one statement and returns, per source, the hosts of the fleet that
// saw it within window.
func (f *Fleet) Sight(ctx context.Context, window time.Duration, batch []Sighting) ([]Spread, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	if len(batch) > MaxBatch {
		return nil, fmt.Errorf("fleet: sight: %d sightings, at most %d", len(batch), MaxBatch)
	}
	n := len(batch)
	srcs, ports := make([]string, n), make([]string, n)
	first, last, packets := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, s := range batch {
		srcs[i], first[i], last[i], packets[i] = s.Src.String(), s.FirstSeen.UnixNano(), s.LastSeen.UnixNano(), s.Packets
		ports[i] = portList(s.Ports)
	}
	cutoff := time.Now().Add(-window).UnixNano()
	var out []Spread
	err := f.do(ctx, "sight", func(ctx context.Context) error {
		rows, err := f.pool.Query(ctx, sightSQL, f.cfg.Host, srcs, first, last, packets, ports, cutoff, MaxPorts, MaxHosts-1)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Spread, error) {
			var sp Spread
			var src string
			var firstSeen, lastSeen int64
			var ps []int32
			if err := row.Scan(&src, &sp.HostCount, &sp.Hosts, &sp.Packets, &firstSeen, &lastSeen, &ps); err != nil {
				return sp, err
			}
			sp.Hosts = append(sp.Hosts, f.cfg.Host)
			slices.Sort(sp.Hosts)
			return finish(sp, src, firstSeen, lastSeen, ps)
		})
		return err
	})
	return out, err
}

// finish completes a Spread read from a row.
func finish(sp Spread, src string, first, last int64, ports []int32) (Spread, error) {
	var err error
	if sp.Src, err = netip.ParseAddr(src); err != nil {
		return sp, fmt.Errorf("sighting of %q: %w", src, err)
	}
	sp.FirstSeen, sp.LastSeen = time.Unix(0, first), time.Unix(0, last)
	sp.Ports = make([]uint16, 0, len(ports))
	for _, p := range ports {
		sp.Ports = append(sp.Ports, uint16(p))
	}
	return sp, nil
}

// portList is ports as string_to_array reads them ("" for none: an empty
// array).
func portList(ports []uint16) string {
	var b strings.Builder
	for i, p := range ports[:min(len(ports), MaxPorts)] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(p)))
	}
	return b.String()
}

// Raise records that src reached level in the fleet, unless a daemon
// raised that level (or a higher one) already within window. Of daemons
// raising at once exactly one gets ok (the row lock of the upsert
// serialises them); prev is the level before (0 after the window passed).
// A level is raised at most once per window: a scan that goes on is
// raised again a window later.
func (f *Fleet) Raise(ctx context.Context, src netip.Addr, level int, window time.Duration) (prev int, ok bool, err error) {
	now := time.Now()
	cutoff := now.Add(-window).UnixNano()
	err = f.do(ctx, "raise", func(ctx context.Context) error {
		err := f.pool.QueryRow(ctx, `INSERT INTO fleet_scans AS s (src, level, prev, raised, host) VALUES ($1, $2, 0, $3, $4)
		ON CONFLICT (src) DO UPDATE SET level = excluded.level, raised = excluded.raised, host = excluded.host,
			prev = CASE WHEN s.raised < $5 THEN 0 ELSE s.level END
		WHERE s.level < excluded.level OR s.raised < $5
		RETURNING prev`, src.String(), level, now.UnixNano(), f.cfg.Host, cutoff).Scan(&prev)
		if err == pgx.ErrNoRows {
			return nil
		}
		ok = err == nil
		return err
	})
	return prev, ok, err
}

// Prune deletes every sighting and raised level older than window, and
// this host's sightings past its newest maxRows (0: no such bound), and
// returns how many sightings went. Sight keeps every row's size bounded;
// Prune bounds their number.
func (f *Fleet) Prune(ctx context.Context, window time.Duration, maxRows int) (int64, error) {
	cutoff := time.Now().Add(-window).UnixNano()
	var n int64
	err := f.do(ctx, "prune sightings", func(ctx context.Context) error {
		return f.pool.QueryRow(ctx, `WITH old AS (DELETE FROM fleet_sightings WHERE last_seen < $1 RETURNING 1),
		scans AS (DELETE FROM fleet_scans WHERE raised < $1 RETURNING 1),
		over AS (DELETE FROM fleet_sightings WHERE host = $2 AND last_seen >= $1 AND $3 > 0 AND src IN (
			SELECT src FROM fleet_sightings WHERE host = $2 ORDER BY last_seen DESC OFFSET $3) RETURNING 1)
		SELECT (SELECT count(*) FROM old) + (SELECT count(*) FROM over) + 0 * (SELECT count(*) FROM scans)`,
			cutoff, f.cfg.Host, maxRows).Scan(&n)
	})
	return n, err
}

// Spreads lists the sources seen by at least minHosts hosts within window,
// or raised to a fleet level in it: highest level, most hosts, most
// packets first, at most limit.
func (f *Fleet) Spreads(ctx context.Context, window time.Duration, minHosts, limit int) ([]Spread, error) {
	cutoff := time.Now().Add(-window).UnixNano()
	var out []Spread
	err := f.do(ctx, "spreads", func(ctx context.Context) error {
		rows, err := f.pool.Query(ctx, `SELECT s.src, count(*), (array_agg(s.host ORDER BY s.host))[1:$3],
			sum(s.packets)::bigint, min(s.first_seen), max(s.last_seen),
			COALESCE((SELECT level FROM fleet_scans c WHERE c.src = s.src AND c.raised >= $1), 0) AS level,
			ARRAY(SELECT DISTINCT p FROM fleet_sightings o, unnest(o.ports) p
				WHERE o.src = s.src AND o.last_seen >= $1 ORDER BY p LIMIT $5)
		FROM fleet_sightings s WHERE s.last_seen >= $1 GROUP BY s.src
		HAVING count(*) >= $2 OR EXISTS (SELECT 1 FROM fleet_scans c WHERE c.src = s.src AND c.raised >= $1)
		ORDER BY level DESC, count(*) DESC, sum(s.packets) DESC, s.src LIMIT $4`,
			cutoff, minHosts, MaxHosts, limit, MaxPorts)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Spread, error) {
			var sp Spread
			var src string
			var first, last int64
			var ps []int32
			if err := row.Scan(&src, &sp.HostCount, &sp.Hosts, &sp.Packets, &first, &last, &sp.Level, &ps); err != nil {
				return sp, err
			}
			return finish(sp, src, first, last, ps)
		})
		return err
	})
	return out, err
}
