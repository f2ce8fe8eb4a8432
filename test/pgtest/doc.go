// Package pgtest starts a throwaway PostgreSQL server for tests: Debian's
// postgresql package (initdb, pg_ctl), a data directory of its own, and a
// unix socket only (no TCP port, so nothing outside the test can reach it).
// A unix socket is a file: daemons in any network namespace the test made
// reach it through the file system, which is how the fleet tests put three
// daemons in three namespaces on one database.
//
// As root the server runs as the postgres user the package created
// (PostgreSQL refuses to run as root); otherwise as the current user. The
// server stops and its directory is removed when the test ends, also when
// it fails. Stop and Start let a test take the database away and bring it
// back with its data (outages).
//
// Without PostgreSQL installed the test is skipped (fails under CI=true,
// where `make deps` installs it).
package pgtest
