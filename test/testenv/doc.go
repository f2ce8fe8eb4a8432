// Package testenv is what tests that need the real system share: the
// check for root and for installed programs, and network namespaces made
// for one test.
//
// A missing prerequisite skips the test with its reason, except under
// CI=true, where the Makefile installs every package and `make check` runs
// as root: there it fails, so a test can't pass by never running.
//
// It imports nothing of ifw's, so the tests of every package (sources to
// cmd) may use it without an import running up the data flow.
package testenv
