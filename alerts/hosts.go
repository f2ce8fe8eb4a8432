package alerts

import "context"

// AllHosts, as the Host of a Query or BlockQuery, selects every host's rows
// whatever host the Store was opened with.
const AllHosts = "*"

// maxHost bounds a host name (a DNS name is at most 253 characters).
const maxHost = 255

// Scopes of a block (Block.Scope).
const (
	ScopeHost  = "host"  // decided on and applied by its host alone
	ScopeFleet = "fleet" // shared by every host of the fleet (alerts/fleet)
)

// schemaHosts is the schema version that has a host on every block,
// question and window and a unique id on every alert.
const schemaHosts = 6

// migrationHosts (schema 6) lets several hosts share one database (fleet
// mode on PostgreSQL): blocks, questions, windows and state blobs gain the
// host that made them, a prefix has at most one active block per host,
// and alerts gain uid, the id their writer gave them, unique, so that a
// write retried after an outage stores the alert once. Alerts stored
// before have none (NULL: the unique index allows any number). The rows
// already there have host ” until their daemon opens the database
// (adopt). The windows and state tables are made anew because their keys
// gain the host.
const migrationHosts = `ALTER TABLE alerts ADD COLUMN uid TEXT;
	CREATE UNIQUE INDEX alerts_uid ON alerts(uid);
	CREATE INDEX alerts_host_time ON alerts(host, time);
	ALTER TABLE blocks ADD COLUMN host TEXT NOT NULL DEFAULT '';
	DROP INDEX blocks_active;
	CREATE UNIQUE INDEX blocks_active ON blocks(host, prefix) WHERE removed IS NULL;
	ALTER TABLE questions ADD COLUMN host TEXT NOT NULL DEFAULT '';
	CREATE TABLE windows_hosts (
		host       TEXT    NOT NULL,
		src        TEXT    NOT NULL,
		first_seen INTEGER NOT NULL,
		last_seen  INTEGER NOT NULL,
		packets    INTEGER NOT NULL,
		level      INTEGER NOT NULL,
		PRIMARY KEY (host, src, first_seen)
	) WITHOUT ROWID;
	INSERT INTO windows_hosts(host, src, first_seen, last_seen, packets, level)
		SELECT '', src, first_seen, last_seen, packets, level FROM windows;
	DROP TABLE windows;
	ALTER TABLE windows_hosts RENAME TO windows;
	CREATE INDEX windows_last ON windows(last_seen);
	CREATE TABLE state_hosts (
		host    TEXT    NOT NULL,
		key     TEXT    NOT NULL,
		value   BLOB    NOT NULL,
		updated INTEGER NOT NULL,
		PRIMARY KEY (host, key)
	);
	INSERT INTO state_hosts(host, key, value, updated) SELECT '', key, value, updated FROM state;
	DROP TABLE state;
	ALTER TABLE state_hosts RENAME TO state;`

// adoptHosts gives the rows of other hosts the opening store's host, in
// a SQLite database: that is one machine's, whose daemon migrated it
// (rows of host ”) or whose host name changed. An active block of a
// prefix the host has an active block of already, and a window or state
// blob the host has already, stay as they are.
var adoptHosts = []string{
	`UPDATE blocks SET host = ?1 WHERE host <> ?1 AND (removed IS NOT NULL OR
		prefix NOT IN (SELECT prefix FROM blocks WHERE host = ?1 AND removed IS NULL))`,
	`UPDATE questions SET host = ?1 WHERE host <> ?1`,
	`UPDATE OR IGNORE windows SET host = ?1 WHERE host <> ?1`,
	`UPDATE OR IGNORE state SET host = ?1 WHERE host <> ?1`,
}

// adopt runs adoptHosts, in one transaction, when a SQLite database is
// opened for writing by a store with a host. A PostgreSQL database is a
// fleet's: each host's rows stay its own.
func (s *Store) adopt(ctx context.Context) error {
	if s.d.pg || s.cfg.ReadOnly || s.cfg.Host == "" {
		return nil
	}
	tx, err := begin(ctx, s.w)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	for _, q := range adoptHosts {
		if _, err := tx.ExecContext(ctx, q, s.cfg.Host); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// hostOf is the host a query of host h reads: h itself, or the store's
// own host for "" ("": every host, for AllHosts or a store opened without
// a host).
func (s *Store) hostOf(h string) string {
	switch {
	case h == AllHosts:
		return ""
	case h != "":
		return h
	}
	return s.cfg.Host
}

// hostCond is the condition on table's host column that selects the rows
// of a query of host h, with its argument; "" when it selects every row.
// Blocks, questions and windows of a database older than schemaHosts
// (opened read-only) have no host: they are all the one host's.
func (s *Store) hostCond(h string, hasHost bool) (string, any) {
	h = s.hostOf(h)
	if h == "" || !hasHost {
		return "", nil
	}
	return "host = ?", h
}

// hostColumn is the host column of a table in a select: NULL-free ”
// before schemaHosts.
func (s *Store) hostColumn() string {
	if s.version < schemaHosts {
		return "''"
	}
	return "host"
}
