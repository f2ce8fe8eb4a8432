package daemon

import (
	"path/filepath"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/spool"
)

// spoolSyncEvery groups the spool's fsyncs, as the SQLite store's
// synchronous=NORMAL does: every write is on disk before it counts as kept
// (a crash of the daemon loses none), a power loss at most the last
// fraction of a second; run syncs a quiet spool every spoolRetry.
const spoolSyncEvery = 200 * time.Millisecond

// spoolDir is the outage spool's directory, beside the database in the
// state directory.
func spoolDir(database string) string { return filepath.Join(filepath.Dir(database), "spool") }

// openSpool opens the outage spool when the store is a shared database
// ([store] url): what the daemon writes goes through it (d.writes) and
// the fleet heartbeat reports it (d.health). SQLite is local: no spool.
func (d *Daemon) openSpool() error {
	if d.cfg.Store.URL == "" {
		return nil
	}
	dir := spoolDir(d.cfg.Daemon.Database)
	sp, err := spool.New(spool.Config{Dir: dir, SyncEvery: spoolSyncEvery}, d.log)
	if err != nil {
		return err
	}
	d.spool = newSpooler(d.store, sp, d.log)
	d.spool.dir = dir
	d.health = d.spool.health
	return nil
}

// writes is where the daemon's writes to the store go: through the
// outage spool when there is one.
func (d *Daemon) writes() storeWrites {
	if d.spool == nil {
		return d.store
	}
	return d.spool
}

// storeKind names the store for the status.
func (d *Daemon) storeKind() string {
	if d.cfg.Store.URL != "" {
		return "postgresql"
	}
	return "sqlite"
}

// closeSpool closes the spool's files; what is queued stays for the next
// start.
func (d *Daemon) closeSpool() {
	if d.spool != nil {
		if err := d.spool.spool.Close(); err != nil {
			d.log.Error("spool not closed", "err", err)
		}
	}
}

var _ storeWrites = (*alerts.Store)(nil)
