// Package notifytest holds the test doubles of the desktop side, shared by
// the tests of actions/notify (the fallback helper) and cmd/ifw/applet
// (the applet): a private session bus (its own dbus-daemon on a socket in
// a temporary directory), a fake notification server on it that records
// what it is asked and emits the signals a real one would, the programs
// around them (started and killed with the test), and a few fixtures.
//
// It is a package of its own because the applet's tests live in another
// package than the fallback's; it imports notify, so only notify's
// external tests (package notify_test) may use it. Being code, not a
// test, it may not import test/testenv: the tests check their
// prerequisites (root, dbus-daemon) with it before starting a bus.
package notifytest
