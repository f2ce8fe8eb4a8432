// Package layers holds the dependency test: it keeps the layering of the
// design by the suite, not by memory.
//
// Data flows sources → signatures → alerts → actions, and cmd wires them.
// A package may import only its own layer and those upstream of it:
//
//   - etc (the root package, the files ifw ships) imports nothing of ifw's;
//   - sources/… imports sources/… and etc;
//   - signatures/… adds signatures/…, alerts/… adds alerts/…, actions/…
//     adds actions/…;
//   - cmd/… and the packages under etc/ (the config reader) are the
//     program: they import anything; only cmd/… imports cmd/….
//
// test/… is outside the flow. Only tests, and the packages of helpers for
// a package's tests named after it (actions/program/programtest, as
// net/http/httptest), import it, and what a test imports
// from there must itself keep to the importing package's layer (so
// test/testenv, which every layer's tests use, imports nothing of ifw's);
// a package under test/ that is not a test (testenv, loggen, connbench)
// imports nothing of the program (cmd/…, etc/…). The system tests of
// package test import anything.
//
// The package has no code but its tests: the checker is a function over an
// import graph, tested with bad graphs, and TestTreeLayers runs it over
// `go list` of the module. It runs in `make test`, without root.
package layers
