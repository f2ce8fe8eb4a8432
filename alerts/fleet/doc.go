// Package fleet is what the daemons of one fleet share through PostgreSQL
// beside the alert store: which hosts there are and when each was last
// heard from (hosts.go), the blocks decided on any host and applied on
// every host (blocks*.go), and each host's sightings of every source, from
// which the database tells how many hosts one source has touched
// (sightings*.go, fleet-wide scans).
//
// Why PostgreSQL and not a server of our own: admins already run, back up
// and replicate it, and it has what a fleet needs: one transaction order
// for every host, upserts whose answer is the fleet-wide count, and
// LISTEN/NOTIFY for prompt news. NOTIFY is only news: a daemon that was
// disconnected reconciles from the tables, so a missed notification is
// never a missed block.
//
// The fleet's tables have their own migrations (fleet_schema_version),
// applied on the first connection that succeeds: a daemon starts, detects
// and blocks while the database is down, and joins the fleet when it comes
// back. Every failure to reach the server is alerts.ErrUnavailable.
//
// The engine stays pure and single-host: correlation over hosts lives
// here, beside the store.
package fleet
